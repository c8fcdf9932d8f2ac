import { SANDBOX_CREDENTIAL_VARIABLES, SANDBOX_FROM_NUMBER, SANDBOX_MESSAGING_SERVICE_SID, SANDBOX_VERIFY_SERVICE_SID, type SandboxCredentials } from "@/local/twilio-sandbox/credentials";
import type { LocalSecrets } from "./local-secrets";

// The settings that join the app to the local stand-ins. The app gets ordinary configuration
// (a Twilio account, Inngest keys and address); only these scripts know they are stand-ins.

/** The app's Twilio settings for the sandbox account (every Twilio variable, so none leaks in from .env). */
export function appEnvForSandbox(account: SandboxCredentials, sandboxUrl: string): Record<string, string> {
  return {
    SMS_PROVIDER: "sandbox",
    TWILIO_SANDBOX_URL: sandboxUrl,
    TWILIO_ACCOUNT_SID: account.accountSid,
    TWILIO_AUTH_TOKEN: account.authToken,
    TWILIO_API_KEY_SID: account.apiKeySid,
    TWILIO_API_KEY_SECRET: account.apiKeySecret,
    TWILIO_MESSAGING_SERVICE_SID: SANDBOX_MESSAGING_SERVICE_SID,
    TWILIO_VERIFY_SERVICE_SID: SANDBOX_VERIFY_SERVICE_SID,
    TWILIO_FROM_NUMBER: SANDBOX_FROM_NUMBER,
  };
}

/** The sandbox process's own settings: the same account. */
export function sandboxEnv(account: SandboxCredentials): Record<string, string> {
  return {
    [SANDBOX_CREDENTIAL_VARIABLES.accountSid]: account.accountSid,
    [SANDBOX_CREDENTIAL_VARIABLES.authToken]: account.authToken,
    [SANDBOX_CREDENTIAL_VARIABLES.apiKeySid]: account.apiKeySid,
    [SANDBOX_CREDENTIAL_VARIABLES.apiKeySecret]: account.apiKeySecret,
  };
}

/** The app's Inngest settings for the local executor. */
export function appEnvForLocalExecutor(keys: LocalSecrets["inngest"], executorUrl: string): Record<string, string> {
  return {
    DURABLE_EXECUTION: "local-executor",
    INNGEST_BASE_URL: executorUrl,
    INNGEST_SIGNING_KEY: keys.signingKey,
    INNGEST_EVENT_KEY: keys.eventKey,
    INNGEST_SIGNING_KEY_FALLBACK: "",
  };
}

/** The executor process's settings: the same keys, under the names a self-hosted Inngest reads. */
export function executorEnv(keys: LocalSecrets["inngest"]): Record<string, string> {
  return { INNGEST_SIGNING_KEY: keys.signingKey, INNGEST_EVENT_KEY: keys.eventKey };
}
