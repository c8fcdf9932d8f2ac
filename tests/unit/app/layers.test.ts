import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/** The layer rules in eslint.config.mjs, run on imports placed in each layer (one ESLint: its config loads once). */
const eslint = new ESLint();
async function restrictedImports(filePath: string, source: string) {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").length;
}

// Loading typescript-eslint takes seconds on a busy machine; this is not a timing test.
describe("layer rules", { timeout: 60_000 }, () => {
  it.each([
    ["server/sms/x.ts", 'import { a } from "@/local/twilio-sandbox/credentials";\nexport const b = a;'],
    ["server/sms/x.ts", 'import { a } from "../../inngest/client";\nexport const b = a;'],
    ["server/sms/x.ts", 'import { a } from "@/components/ui/button";\nexport const b = a;'],
    ["components/settings/x.tsx", 'import { a } from "@/db/schema";\nexport const b = a;'],
    ["components/settings/x.tsx", 'import { a } from "../../db/client";\nexport const b = a;'],
    ["app/settings/x.tsx", 'import { a } from "@/local/inngest-executor";\nexport const b = a;'],
    ["local/twilio-sandbox/x.ts", 'import { a } from "@/server/db";\nexport const b = a;'],
    ["db/schema/x.ts", 'import { a } from "@/server/db";\nexport const b = a;'],
    // Routers validate with their area's schemas and write none (input in one layer)…
    ["server/trpc/routers/x.ts", 'import { z } from "zod";\nexport const b = z.string();'],
    // …and keep the server/ layer rule beside that one.
    ["server/trpc/routers/x.ts", 'import { a } from "@/local/twilio-sandbox/credentials";\nexport const b = a;'],
  ])("refuse a wrong-way import in %s", async (file, source) => {
    expect(await restrictedImports(file, source)).toBe(1);
  });

  it.each([
    ["server/trpc/x.ts", 'import { a } from "../db";\nexport const b = a;'],
    ["server/tasks/schema.ts", 'import { z } from "zod";\nexport const b = z.string();'],
    ["server/sms/x.ts", 'import { a } from "@/db/schema";\nexport const b = a;'],
    ["inngest/functions/x.ts", 'import { a } from "@/server/jobs/definitions";\nexport const b = a;'],
    ["components/settings/x.tsx", 'import { a } from "@/server/limits";\nexport const b = a;'],
  ])("allow the right-way import in %s", async (file, source) => {
    expect(await restrictedImports(file, source)).toBe(0);
  });
});
