import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The lint rule that keeps the stand-ins out of production code, checked with the project's own
 * ESLint config: deleting the rule turns this red.
 */
const eslint = new ESLint({ cwd: process.cwd() });
const source = [
  'import { generateSandboxCredentials } from "@/local/twilio-sandbox/credentials";',
  'import { createExecutor } from "../../local/inngest-executor";',
  'import { sandboxName } from "@/localization";',
  "export const used = [generateSandboxCredentials, createExecutor, sandboxName];",
  "",
].join("\n");

async function restrictedImports(filePath: string): Promise<number[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.line);
}

describe("no production code imports local/", () => {
  it.each(["server/sms/config.ts", "app/api/inngest/route.ts", "inngest/client.ts", "components/ui/x.tsx", "db/client.ts"])(
    "%s may not import the stand-ins (alias or relative path)",
    async (filePath) => {
      expect(await restrictedImports(filePath)).toEqual([1, 2]);
    },
    30_000,
  );

  it.each(["scripts/dev.ts", "tests/helpers/sms.ts", "local/inngest-executor/main.ts"])(
    "%s may (scripts, tests and the stand-ins themselves)",
    async (filePath) => {
      expect(await restrictedImports(filePath)).toEqual([]);
    },
    30_000,
  );
});
