import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadLocalSecrets } from "@/scripts/lib/local-secrets";
import { parseEnv } from "@/server/config/env";
import { appEnvForLocalExecutor, appEnvForSandbox } from "@/scripts/lib/stand-ins";

const dirs: string[] = [];
const fileIn = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "local-secrets-"));
  dirs.push(dir);
  return path.join(dir, "nested", "secrets.json");
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("per-install secrets", () => {
  it("are generated on first start, owner-only (0600), and the same on every later start", () => {
    const file = fileIn();
    const first = loadLocalSecrets(file);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadLocalSecrets(file);
    expect(again).toEqual({ secrets: first.secrets, created: false });
  });

  it("differ between installs", () => {
    const a = loadLocalSecrets(fileIn()).secrets;
    const b = loadLocalSecrets(fileIn()).secrets;
    expect(a.inngest.signingKey).not.toBe(b.inngest.signingKey);
    expect(a.inngest.eventKey).not.toBe(b.inngest.eventKey);
    expect(a.twilioSandbox.authToken).not.toBe(b.twilioSandbox.authToken);
    expect(a.twilioSandbox.accountSid).not.toBe(b.twilioSandbox.accountSid);
  });

  it("tighten a file others can read back to 0600", () => {
    const file = fileIn();
    loadLocalSecrets(file);
    chmodSync(file, 0o644);
    loadLocalSecrets(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("refuse to silently replace a file they cannot read", () => {
    const file = fileIn();
    loadLocalSecrets(file);
    writeFileSync(file, JSON.stringify({ inngest: {} }));
    expect(() => loadLocalSecrets(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not a secrets file`));
    expect(readFileSync(file, "utf8")).toBe(JSON.stringify({ inngest: {} }));
  });

  it("make a configuration the app accepts, in production too (what npm start hands over)", () => {
    const { secrets } = loadLocalSecrets(fileIn());
    const env = parseEnv({
      NODE_ENV: "production",
      ...appEnvForSandbox(secrets.twilioSandbox, "http://127.0.0.1:8465"),
      ...appEnvForLocalExecutor(secrets.inngest, "http://127.0.0.1:8288"),
    });
    expect(env).toMatchObject({ SMS_PROVIDER: "sandbox", DURABLE_EXECUTION: "local-executor", TWILIO_ACCOUNT_SID: secrets.twilioSandbox.accountSid });
  });
});
