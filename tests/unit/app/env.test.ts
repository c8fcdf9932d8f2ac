import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/server/config/env";
import { runtimeModes } from "@/server/config/runtime";

function problemsOf(source: Record<string, string>) {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("environment", () => {
  it("needs nothing for the embedded default", () => {
    const env = parseEnv({});
    expect(runtimeModes(env)).toMatchObject({
      database: { kind: "pglite" },
      durableExecution: "local-executor",
      sms: "sandbox",
    });
  });

  it("treats blank values as unset", () => {
    expect(parseEnv({ DATABASE_URL: " ", TWILIO_ACCOUNT_SID: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names each bad variable and says what is expected", () => {
    const problems = problemsOf({ DATABASE_URL: "mysql://x", PUBLIC_URL: "not a url", DATABASE_POOL_SIZE: "0" });
    expect(problems.join("\n")).toMatch(/DATABASE_URL: must be a postgres:\/\//);
    expect(problems.join("\n")).toMatch(/PUBLIC_URL: must be the absolute URL/);
    expect(problems.join("\n")).toMatch(/DATABASE_POOL_SIZE/);
  });

  it("requires a complete Twilio configuration once any Twilio credential is set", () => {
    const problems = problemsOf({ TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}` }).join("\n");
    expect(problems).toMatch(/TWILIO_VERIFY_SERVICE_SID: is required/);
    expect(problems).toMatch(/TWILIO_AUTH_TOKEN: is required/);
    expect(problems).toMatch(/TWILIO_MESSAGING_SERVICE_SID: set a Messaging Service SID/);
  });

  it("requires an Inngest signing key in production unless the local executor is used", () => {
    expect(problemsOf({ NODE_ENV: "production" }).join("\n")).toMatch(/INNGEST_SIGNING_KEY/);
    expect(problemsOf({ NODE_ENV: "production", INNGEST_DEV: "1" })).toEqual([]);
  });

  it("selects PostgreSQL, Inngest Cloud and Twilio from configuration alone", () => {
    const env = parseEnv({
      DATABASE_URL: "postgres://u:p@db/x",
      INNGEST_SIGNING_KEY: "signkey-prod-abc",
      TWILIO_ACCOUNT_SID: `AC${"a".repeat(32)}`,
      TWILIO_AUTH_TOKEN: "t".repeat(32),
      TWILIO_VERIFY_SERVICE_SID: `VA${"b".repeat(32)}`,
      TWILIO_FROM_NUMBER: "+15005550006",
    });
    expect(runtimeModes(env)).toMatchObject({ database: { kind: "postgres" }, durableExecution: "inngest-cloud", sms: "twilio" });
  });
});
