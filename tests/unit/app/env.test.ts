import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/server/config/env";
import { chooseDurableExecution, chooseSmsProvider, runtimeModes } from "@/server/config/runtime";

function problemsOf(source: Record<string, string>) {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

const hex = (n: number, digit = "a") => digit.repeat(n);
/** What `npm run dev` hands the app for the local stand-ins (keys and sandbox account of one install). */
const LOCAL = {
  SMS_PROVIDER: "sandbox",
  TWILIO_SANDBOX_URL: "http://127.0.0.1:8465",
  TWILIO_ACCOUNT_SID: `AC${hex(32, "1")}`,
  TWILIO_AUTH_TOKEN: hex(32, "2"),
  TWILIO_MESSAGING_SERVICE_SID: `MG${hex(32, "3")}`,
  TWILIO_VERIFY_SERVICE_SID: `VA${hex(32, "4")}`,
  DURABLE_EXECUTION: "local-executor",
  INNGEST_BASE_URL: "http://127.0.0.1:8288",
  INNGEST_SIGNING_KEY: `signkey-local-${hex(64, "5")}`,
  INNGEST_EVENT_KEY: hex(64, "6"),
};
/** A production deployment: real Twilio and Inngest Cloud. */
const PRODUCTION = {
  NODE_ENV: "production",
  PUBLIC_URL: "https://sms.example.com",
  SMS_PROVIDER: "twilio",
  TWILIO_ACCOUNT_SID: `AC${hex(32)}`,
  TWILIO_AUTH_TOKEN: "t".repeat(32),
  TWILIO_VERIFY_SERVICE_SID: `VA${hex(32, "b")}`,
  TWILIO_FROM_NUMBER: "+15005550006",
  INNGEST_SIGNING_KEY: `signkey-prod-${hex(64, "c")}`,
  INNGEST_EVENT_KEY: hex(64, "d"),
};

describe("environment", () => {
  describe("TRUST_PROXY is the number of proxies in front, 0 unless set", () => {
    it.each([
      ["unset", undefined, 0],
      ["blank", "  ", 0],
      ["0", "0", 0],
      ["false", "false", 0],
      ["1", "1", 1],
      ["true", "true", 1],
      ["2", "2", 2],
    ])("%s → %s", (_name, value, expected) => {
      const env = parseEnv(value === undefined ? LOCAL : { ...LOCAL, TRUST_PROXY: value });
      expect(env.TRUST_PROXY).toBe(expected);
    });

    it("refuses anything else", () => {
      for (const value of ["yes", "-1", "1.5", "99"]) expect(problemsOf({ ...LOCAL, TRUST_PROXY: value }).join("\n")).toMatch(/^TRUST_PROXY:/);
    });
  });

  it("parses every default exactly as the same value written out", () => {
    const defaults = parseEnv(LOCAL);
    const written = parseEnv({
      ...LOCAL,
      NODE_ENV: "development",
      PUBLIC_URL: "http://localhost:3000",
      TRUST_PROXY: "0",
      LOG_LEVEL: "info",
      DATABASE_POOL_SIZE: "10",
      PGLITE_DATA_DIR: ".data/pglite",
      AUTH_RATE_LIMIT_PER_MINUTE: "10",
      SMS_PROGRAM_NAME: "BuildOS SMS",
      TWILIO_SANDBOX_URL: "http://127.0.0.1:8465",
    });
    expect(defaults).toStrictEqual(written);
    expect(typeof defaults.DATABASE_POOL_SIZE).toBe("number");
    expect(typeof defaults.AUTH_RATE_LIMIT_PER_MINUTE).toBe("number");
  });

  it("treats blank values as unset", () => {
    expect(parseEnv({ ...LOCAL, DATABASE_URL: " ", SMS_SUPPORT_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names each bad variable and says what is expected", () => {
    const problems = problemsOf({ ...LOCAL, DATABASE_URL: "mysql://x", PUBLIC_URL: "not a url", DATABASE_POOL_SIZE: "0" });
    expect(problems.join("\n")).toMatch(/DATABASE_URL: must be a postgres:\/\//);
    expect(problems.join("\n")).toMatch(/PUBLIC_URL: must be the absolute URL/);
    expect(problems.join("\n")).toMatch(/DATABASE_POOL_SIZE/);
  });

  it("runs nothing on built-in credentials: with no configuration at all, it names what is missing", () => {
    const problems = problemsOf({}).join("\n");
    expect(problems).toMatch(/INNGEST_SIGNING_KEY: is required: every call to \/api\/inngest is verified with it/);
    expect(problems).toMatch(/INNGEST_EVENT_KEY: is required/);
    expect(problems).toMatch(/TWILIO_ACCOUNT_SID: is required with SMS_PROVIDER=sandbox: the sandbox's per-install credentials/);
    expect(problems).toMatch(/TWILIO_AUTH_TOKEN: is required/);
  });

  it("requires an explicit SMS provider in production (no silent sandbox)", () => {
    const { SMS_PROVIDER: _chosen, ...unchosen } = PRODUCTION;
    expect(problemsOf(unchosen).join("\n")).toMatch(/^SMS_PROVIDER: is required in production/m);
    expect(problemsOf({ ...LOCAL, NODE_ENV: "production" })).toEqual([]); // what `npm start` hands over
    expect(problemsOf(PRODUCTION)).toEqual([]);
  });

  it("requires a complete Twilio configuration for either provider", () => {
    const problems = problemsOf({ ...PRODUCTION, TWILIO_VERIFY_SERVICE_SID: "", TWILIO_AUTH_TOKEN: "", TWILIO_FROM_NUMBER: "" }).join("\n");
    expect(problems).toMatch(/TWILIO_VERIFY_SERVICE_SID: is required with SMS_PROVIDER=twilio/);
    expect(problems).toMatch(/TWILIO_AUTH_TOKEN: is required/);
    expect(problems).toMatch(/TWILIO_MESSAGING_SERVICE_SID: set a Messaging Service SID/);
  });

  it("refuses INNGEST_DEV (it would turn signature checks off) and malformed signing keys", () => {
    expect(problemsOf({ ...LOCAL, INNGEST_DEV: "1" }).join("\n")).toMatch(/^INNGEST_DEV: is not supported/);
    expect(problemsOf({ ...LOCAL, INNGEST_DEV: "0" })).toEqual([]);
    expect(problemsOf({ ...LOCAL, INNGEST_SIGNING_KEY: "signkey-prod-xyz" }).join("\n")).toMatch(/^INNGEST_SIGNING_KEY: must look like/);
  });

  it("selects PostgreSQL, Inngest Cloud and Twilio from configuration alone", () => {
    const env = parseEnv({ ...PRODUCTION, DATABASE_URL: "postgres://u:p@db/x" });
    expect(runtimeModes(env)).toMatchObject({ database: { kind: "postgres" }, durableExecution: "inngest-cloud", sms: "twilio" });
    expect(runtimeModes(parseEnv({ ...PRODUCTION, INNGEST_BASE_URL: "https://inngest.internal" })).durableExecution).toBe(
      "inngest-self-hosted",
    );
    expect(runtimeModes(parseEnv(LOCAL))).toMatchObject({ database: { kind: "pglite" }, durableExecution: "local-executor", sms: "sandbox" });
  });
});

describe("runtime choices (one rule for scripts/dev.ts and the app)", () => {
  it("chooses Twilio only when an account is configured, unless SMS_PROVIDER says otherwise", () => {
    expect(chooseSmsProvider({})).toBe("sandbox");
    expect(chooseSmsProvider({ TWILIO_ACCOUNT_SID: " " })).toBe("sandbox");
    expect(chooseSmsProvider({ TWILIO_ACCOUNT_SID: `AC${hex(32)}` })).toBe("twilio");
    expect(chooseSmsProvider({ TWILIO_ACCOUNT_SID: `AC${hex(32)}`, SMS_PROVIDER: "sandbox" })).toBe("sandbox");
    expect(chooseSmsProvider({ SMS_PROVIDER: "twilio" })).toBe("twilio");
  });

  it("starts the local executor only when nothing about Inngest is configured", () => {
    expect(chooseDurableExecution({})).toBe("local-executor");
    // An address without a key is Inngest (then refused for the missing key), never a silent local executor.
    expect(chooseDurableExecution({ INNGEST_BASE_URL: "http://inngest:8288" })).toBe("inngest");
    expect(chooseDurableExecution({ INNGEST_SIGNING_KEY: "signkey-prod-ab" })).toBe("inngest");
    expect(chooseDurableExecution({ INNGEST_EVENT_KEY: "k" })).toBe("inngest");
    expect(chooseDurableExecution({ INNGEST_BASE_URL: "http://127.0.0.1:8288", DURABLE_EXECUTION: "local-executor" })).toBe(
      "local-executor",
    );
    expect(problemsOf({ ...PRODUCTION, INNGEST_SIGNING_KEY: "", INNGEST_BASE_URL: "http://inngest:8288" }).join("\n")).toMatch(
      /^INNGEST_SIGNING_KEY: is required/,
    );
  });
});
