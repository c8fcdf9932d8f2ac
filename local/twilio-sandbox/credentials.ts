import { randomBytes } from "node:crypto";

/**
 * The sandbox's account. Its secrets are generated per install (scripts/dev.ts keeps them in the
 * local secrets file) and per test run, never committed: a fixed token in the repository would let
 * anyone sign webhooks for any app that trusted it.
 */
export interface SandboxCredentials {
  accountSid: string;
  authToken: string;
  apiKeySid: string;
  apiKeySecret: string;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

export function generateSandboxCredentials(): SandboxCredentials {
  return { accountSid: `AC${hex(16)}`, authToken: hex(16), apiKeySid: `SK${hex(16)}`, apiKeySecret: hex(24) };
}

/** Variables main.ts reads the account from. */
export const SANDBOX_CREDENTIAL_VARIABLES = {
  accountSid: "TWILIO_SANDBOX_ACCOUNT_SID",
  authToken: "TWILIO_SANDBOX_AUTH_TOKEN",
  apiKeySid: "TWILIO_SANDBOX_API_KEY_SID",
  apiKeySecret: "TWILIO_SANDBOX_API_KEY_SECRET",
} as const satisfies Record<keyof SandboxCredentials, string>;

// Identifiers, not secrets: what the sandbox account owns, as Twilio would list them.
export const SANDBOX_MESSAGING_SERVICE_SID = "MG5a9d0b0c1e2f3a4b5c6d7e8f9a0b1c2d";
export const SANDBOX_VERIFY_SERVICE_SID = "VA5a9d0b0c1e2f3a4b5c6d7e8f9a0b1c2d";
/** Twilio's own "valid sender" test number. */
export const SANDBOX_FROM_NUMBER = "+15005550006";
export const SANDBOX_DEFAULT_PORT = 8465;
