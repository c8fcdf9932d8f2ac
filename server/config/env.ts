import { crossBundleError } from "../cross-bundle";
import { getCountries, type CountryCode } from "libphonenumber-js/max";
import { z } from "zod";
import { DEFAULT_SMS_ALLOWED_COUNTRIES } from "@/common/limits";
import { chooseDurableExecution, chooseSmsProvider } from "./runtime";

/**
 * Every setting the app reads, validated once. Empty strings count as unset so a copied
 * `.env.example` with blank values behaves like no file at all.
 */
const blankAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankAsUnset, schema.optional());
/**
 * A default given as the raw text a user would write, parsed like any other value. (zod's
 * `.default()` hands its value back without running the schema, so a transform is skipped:
 * `TRUST_PROXY` defaulted to the string "0", which is truthy.)
 */
const withDefault = <T extends z.ZodType>(schema: T, value: z.input<T>) =>
  z.preprocess(blankAsUnset, schema.prefault(value as never));

const knownCountries: ReadonlySet<string> = new Set(getCountries());
/** "US,CA" → ["US", "CA"]: ISO 3166 codes libphonenumber knows. */
const countryList = z.string().transform((value, ctx) => {
  const codes = value.split(",").map((code) => code.trim().toUpperCase()).filter(Boolean);
  for (const code of codes) {
    if (!knownCountries.has(code)) ctx.addIssue({ code: "custom", message: `${code} is not an ISO 3166 country code (e.g. US, CA, GB)` });
  }
  if (codes.length === 0) ctx.addIssue({ code: "custom", message: "list at least one country code, e.g. US,CA" });
  return codes as CountryCode[];
});
const perHour = (fallback: number) => withDefault(z.coerce.number().int().min(1).max(100_000), fallback);

/**
 * How many proxies you run in front of the app (0 = none), as Express's and Rails' "trust proxy"
 * count: with n, the n-th X-Forwarded-For entry from the right is the client. `true`/`false`
 * are read as 1/0 (the setting was a flag before).
 */
const proxyCount = z
  .string()
  .trim()
  .regex(/^(\d{1,2}|true|false)$/, "must be the number of proxies in front of the app: 0 (none), 1, 2…")
  .transform((v) => (v === "true" ? 1 : v === "false" ? 0 : Number(v)))
  .pipe(z.number().int().min(0).max(20));

/** `signkey-<env>-<hex>` as Inngest issues them (the SDK hashes the hex part), or bare hex. */
const SIGNING_KEY = /^(signkey-\w+-)?(?:[0-9a-fA-F]{2}){16,}$/;
const SIGNING_KEY_MESSAGE = "must look like signkey-<env>-<hex>, as Inngest issues signing keys";

const LOCAL_HINT = "npm run dev / npm start generate one for the local stand-ins";

const fields = {
  NODE_ENV: withDefault(z.enum(["development", "production", "test"]), "development"),
  PUBLIC_URL: withDefault(
    z.url({ message: "must be the absolute URL users and Twilio reach the app at, e.g. https://sms.example.com" }),
    "http://localhost:3000",
  ),
  TRUST_PROXY: withDefault(proxyCount, "0"),
  LOG_LEVEL: withDefault(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]), "info"),

  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection URL"),
  ),
  DATABASE_POOL_SIZE: withDefault(z.coerce.number().int().min(1).max(100), "10"),
  PGLITE_DATA_DIR: withDefault(z.string(), ".data/pglite"),

  BETTER_AUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters (use `openssl rand -hex 32`)")),
  AUTH_RATE_LIMIT_PER_MINUTE: withDefault(z.coerce.number().int().min(1).max(100_000), "10"),
  /** Credential requests per minute (per action) from all clients with no known address together; device-cookie sign-ins are exempt. */
  AUTH_GLOBAL_PER_MINUTE: withDefault(z.coerce.number().int().min(1).max(100_000), "120"),
  ADMIN_EMAIL: optional(z.email({ message: "must be an email address" })),
  ADMIN_PASSWORD: optional(z.string().min(12, "must be at least 12 characters")),

  /** Which Twilio the app talks to; the credentials below belong to that one. */
  SMS_PROVIDER: optional(z.enum(["twilio", "sandbox"], { message: "must be twilio or sandbox" })),
  TWILIO_ACCOUNT_SID: optional(z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must look like AC followed by 32 hex digits")),
  TWILIO_AUTH_TOKEN: optional(z.string().min(16, "must be the account's auth token")),
  TWILIO_API_KEY_SID: optional(z.string().regex(/^SK[0-9a-fA-F]{32}$/, "must look like SK followed by 32 hex digits")),
  TWILIO_API_KEY_SECRET: optional(z.string().min(16)),
  TWILIO_MESSAGING_SERVICE_SID: optional(
    z.string().regex(/^MG[0-9a-fA-F]{32}$/, "must look like MG followed by 32 hex digits"),
  ),
  TWILIO_FROM_NUMBER: optional(z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number such as +15005550006")),
  TWILIO_VERIFY_SERVICE_SID: optional(
    z.string().regex(/^VA[0-9a-fA-F]{32}$/, "must look like VA followed by 32 hex digits"),
  ),
  SMS_PROGRAM_NAME: withDefault(z.string().min(1).max(40), "BuildOS SMS"),
  SMS_SUPPORT_URL: optional(z.url({ message: "must be the URL of your SMS help page (sent in HELP replies)" })),
  SMS_ALLOWED_COUNTRIES: withDefault(countryList, DEFAULT_SMS_ALLOWED_COUNTRIES.join(",")),
  VERIFY_SENDS_PER_USER_PER_HOUR: perHour(5),
  VERIFY_SENDS_PER_NUMBER_PER_HOUR: perHour(5),
  VERIFY_SENDS_PER_ADDRESS_PER_HOUR: perHour(20),
  VERIFY_SENDS_PER_COUNTRY_PER_HOUR: perHour(200),
  VERIFY_SENDS_GLOBAL_PER_HOUR: perHour(300),
  VERIFY_CHECKS_PER_USER_PER_HOUR: perHour(15),
  TWILIO_SANDBOX_URL: withDefault(z.url(), "http://127.0.0.1:8465"),
  /** What kind of sender the Messaging Service uses; sets the default throughput cap. */
  SMS_SENDER_TYPE: withDefault(z.enum(["long_code", "toll_free", "short_code"]), "long_code"),
  /** Texts per second handed to Twilio, across the whole app; unset = the sender type's default. */
  SMS_MAX_PER_SECOND: optional(z.coerce.number().int().min(1).max(1_000)),

  /** Reported by /api/health; `npm run dev` sets it. The app's own code path is the same either way. */
  DURABLE_EXECUTION: optional(z.enum(["inngest", "local-executor"], { message: "must be inngest or local-executor" })),
  /** Refused when on: it would turn off the serve endpoint's signature checks. */
  INNGEST_DEV: optional(z.string()),
  INNGEST_BASE_URL: optional(z.url()),
  INNGEST_SERVE_ORIGIN: optional(z.url({ message: "must be the origin Inngest reaches the app at, e.g. https://sms.example.com" })),
  // Required in every mode (checked below, so one run names every missing variable).
  INNGEST_EVENT_KEY: optional(z.string().min(16, "must be an event key from Inngest")),
  INNGEST_SIGNING_KEY: optional(z.string().regex(SIGNING_KEY, SIGNING_KEY_MESSAGE)),
  /** The previous key while Inngest rotates signing keys. */
  INNGEST_SIGNING_KEY_FALLBACK: optional(z.string().regex(SIGNING_KEY, SIGNING_KEY_MESSAGE)),
  /**
   * The Inngest dashboard of this environment: the admin console links a message's runs there.
   * Unset = Inngest Cloud's production environment, or a self-hosted server's own address.
   */
  INNGEST_DASHBOARD_URL: optional(z.url()),
};

export const envSchema = z.object(fields).superRefine((env, ctx) => {
  const problem = (path: keyof typeof fields, message: string) => ctx.addIssue({ code: "custom", path: [path], message });

  if (env.NODE_ENV === "production" && !env.SMS_PROVIDER) {
    problem(
      "SMS_PROVIDER",
      "is required in production: twilio, or sandbox to send nothing for real (npm start chooses for you and says so)",
    );
  }
  const provider = chooseSmsProvider(env);
  const origin =
    provider === "twilio"
      ? "from the Twilio console"
      : "the sandbox's per-install credentials, which npm run dev / npm start generate";
  for (const key of ["TWILIO_ACCOUNT_SID", "TWILIO_VERIFY_SERVICE_SID"] as const) {
    if (!env[key]) problem(key, `is required with SMS_PROVIDER=${provider}: ${origin}`);
  }
  if (!env.TWILIO_AUTH_TOKEN) {
    problem("TWILIO_AUTH_TOKEN", `is required with SMS_PROVIDER=${provider}: webhook signatures are always made with the account auth token`);
  }
  if (Boolean(env.TWILIO_API_KEY_SID) !== Boolean(env.TWILIO_API_KEY_SECRET)) {
    problem("TWILIO_API_KEY_SECRET", "TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET go together");
  }
  if (!env.TWILIO_MESSAGING_SERVICE_SID && !env.TWILIO_FROM_NUMBER) {
    problem("TWILIO_MESSAGING_SERVICE_SID", "set a Messaging Service SID (preferred) or TWILIO_FROM_NUMBER");
  }

  if (!env.INNGEST_SIGNING_KEY) {
    problem("INNGEST_SIGNING_KEY", `is required: every call to /api/inngest is verified with it; copy it from Inngest (${LOCAL_HINT})`);
  }
  if (!env.INNGEST_EVENT_KEY) {
    problem("INNGEST_EVENT_KEY", `is required: events are sent with it; copy it from Inngest (${LOCAL_HINT})`);
  }
  if (env.INNGEST_DEV !== undefined && !["0", "false"].includes(env.INNGEST_DEV)) {
    problem(
      "INNGEST_DEV",
      "is not supported: the app always verifies Inngest's request signatures (the local executor signs its requests too); remove it",
    );
  }
  if (chooseDurableExecution(env) === "local-executor" && !env.INNGEST_BASE_URL) {
    problem("INNGEST_BASE_URL", "is required with the local executor: its address (npm run dev / npm start set it)");
  }
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends crossBundleError("EnvError") {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every variable.`);
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".") || "env"}: ${issue.message}`));
}

let cached: Env | undefined;

/** The validated process environment; throws an EnvError naming each bad variable. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
