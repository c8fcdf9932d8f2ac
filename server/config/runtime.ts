import path from "node:path";
import type { DbTarget } from "@/db/client";
import type { Env } from "./env";

/** Which implementation each moving part uses, derived only from configuration. */
export interface RuntimeModes {
  database: DbTarget;
  durableExecution: "inngest-cloud" | "local-executor";
  sms: "twilio" | "sandbox";
}

export function runtimeModes(env: Env): RuntimeModes {
  const database: DbTarget = env.DATABASE_URL
    ? { kind: "postgres", url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
    : { kind: "pglite", dataDir: path.resolve(/*turbopackIgnore: true*/ env.PGLITE_DATA_DIR) };
  const devInngest = env.INNGEST_DEV !== undefined && env.INNGEST_DEV !== "0";
  return {
    database,
    durableExecution: devInngest || !env.INNGEST_SIGNING_KEY ? "local-executor" : "inngest-cloud",
    sms: env.TWILIO_ACCOUNT_SID ? "twilio" : "sandbox",
  };
}
