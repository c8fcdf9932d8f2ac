import path from "node:path";
import type { DbTarget } from "@/db/client";
import type { Env } from "./env";

/**
 * Which implementation each moving part uses, decided here only: `scripts/dev.ts` asks these
 * functions which stand-ins to start (on the user's own settings) and hands the answer to the
 * app explicitly, and the app reports the same answer in /api/health.
 */
export type SmsProviderChoice = "twilio" | "sandbox";
export type DurableExecutionChoice = "inngest" | "local-executor";

/** The settings each choice reads, raw (process.env) or parsed; blank counts as unset. */
type SmsSettings = { readonly [key: string]: unknown; SMS_PROVIDER?: string; TWILIO_ACCOUNT_SID?: string };
type DurableSettings = {
  readonly [key: string]: unknown;
  DURABLE_EXECUTION?: string;
  INNGEST_SIGNING_KEY?: string;
  INNGEST_EVENT_KEY?: string;
  INNGEST_BASE_URL?: string;
};
const set = (value: string | undefined) => value !== undefined && value.trim() !== "";

/** An explicit SMS_PROVIDER wins; otherwise Twilio exactly when a Twilio account is configured. */
export function chooseSmsProvider(settings: SmsSettings): SmsProviderChoice {
  const explicit = settings.SMS_PROVIDER?.trim();
  if (explicit === "twilio" || explicit === "sandbox") return explicit;
  return set(settings.TWILIO_ACCOUNT_SID) ? "twilio" : "sandbox";
}

/**
 * An explicit DURABLE_EXECUTION wins; otherwise Inngest as soon as any Inngest setting is given
 * (an address without a key is then a configuration error, not a silent local executor).
 */
export function chooseDurableExecution(settings: DurableSettings): DurableExecutionChoice {
  const explicit = settings.DURABLE_EXECUTION?.trim();
  if (explicit === "inngest" || explicit === "local-executor") return explicit;
  const inngestConfigured = [settings.INNGEST_SIGNING_KEY, settings.INNGEST_EVENT_KEY, settings.INNGEST_BASE_URL].some(set);
  return inngestConfigured ? "inngest" : "local-executor";
}

export interface RuntimeModes {
  database: DbTarget;
  durableExecution: "inngest-cloud" | "inngest-self-hosted" | "local-executor";
  sms: SmsProviderChoice;
}

export function runtimeModes(env: Env): RuntimeModes {
  const database: DbTarget = env.DATABASE_URL
    ? { kind: "postgres", url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
    : { kind: "pglite", dataDir: path.resolve(/*turbopackIgnore: true*/ env.PGLITE_DATA_DIR) };
  const durable = chooseDurableExecution(env);
  return {
    database,
    durableExecution: durable === "local-executor" ? "local-executor" : env.INNGEST_BASE_URL ? "inngest-self-hosted" : "inngest-cloud",
    sms: chooseSmsProvider(env),
  };
}
