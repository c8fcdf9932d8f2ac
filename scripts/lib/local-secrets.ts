import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { generateEventKey, generateSigningKey } from "@/local/inngest-executor/signing";
import { generateSandboxCredentials } from "@/local/twilio-sandbox/credentials";

/**
 * The secrets `npm run dev` / `npm start` share between the app and the local stand-ins: the
 * Inngest signing and event keys (the local executor signs with them, the app verifies) and the
 * Twilio sandbox's account. Made once per install, kept in the data directory, readable only by
 * its owner (0600). Never used when real Inngest / Twilio are configured.
 */
export const DEFAULT_LOCAL_SECRETS_FILE = ".data/secrets.json";

const secretsSchema = z.object({
  inngest: z.object({ signingKey: z.string().min(1), eventKey: z.string().min(1) }),
  twilioSandbox: z.object({
    accountSid: z.string().regex(/^AC[0-9a-f]{32}$/),
    authToken: z.string().min(16),
    apiKeySid: z.string().regex(/^SK[0-9a-f]{32}$/),
    apiKeySecret: z.string().min(16),
  }),
});
export type LocalSecrets = z.infer<typeof secretsSchema>;

function generate(): LocalSecrets {
  return {
    inngest: { signingKey: generateSigningKey(), eventKey: generateEventKey() },
    twilioSandbox: generateSandboxCredentials(),
  };
}

/**
 * Reads the secrets file, creating it (mode 0600) on first start. A file that cannot be read as
 * secrets is an error naming the file, not silently replaced: the executor's store and any
 * running sandbox were set up with what is in it.
 */
export function loadLocalSecrets(file: string): { secrets: LocalSecrets; created: boolean } {
  if (!existsSync(file)) {
    const secrets = generate();
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // `wx`: if another start raced us to it, fail instead of overwriting its keys.
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    return { secrets, created: true };
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const parsed = secretsSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    throw new Error(`${file} is not a secrets file this version understands (delete it to generate new ones): ${parsed.error.message}`);
  }
  return { secrets: parsed.data, created: false };
}
