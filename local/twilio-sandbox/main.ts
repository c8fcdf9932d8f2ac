/**
 * Runs the local Twilio sandbox: `npx tsx local/twilio-sandbox/main.ts`.
 * TWILIO_SANDBOX_ACCOUNT_SID, TWILIO_SANDBOX_AUTH_TOKEN (required: the account the app uses;
 * scripts/dev.ts generates them per install), TWILIO_SANDBOX_API_KEY_SID/_SECRET (optional),
 * TWILIO_SANDBOX_PORT (default 8465), TWILIO_SANDBOX_INBOUND_URL (the app's inbound webhook),
 * TWILIO_SANDBOX_DELIVERY_DELAY_MS (per lifecycle hop, default 200).
 */
import { SANDBOX_CREDENTIAL_VARIABLES, SANDBOX_DEFAULT_PORT } from "./credentials";
import { createTwilioSandbox } from "./sandbox";

const read = (name: string) => process.env[name]?.trim() || undefined;
const accountSid = read(SANDBOX_CREDENTIAL_VARIABLES.accountSid);
const authToken = read(SANDBOX_CREDENTIAL_VARIABLES.authToken);
if (!accountSid || !authToken) {
  console.error(
    `twilio-sandbox: set ${SANDBOX_CREDENTIAL_VARIABLES.accountSid} and ${SANDBOX_CREDENTIAL_VARIABLES.authToken} ` +
      "(npm run dev generates them per install and passes them to both the sandbox and the app)",
  );
  process.exit(1);
}
const apiKeySid = read(SANDBOX_CREDENTIAL_VARIABLES.apiKeySid);
const apiKeySecret = read(SANDBOX_CREDENTIAL_VARIABLES.apiKeySecret);

const sandbox = createTwilioSandbox({
  port: Number(process.env.TWILIO_SANDBOX_PORT ?? SANDBOX_DEFAULT_PORT),
  accountSid,
  authToken,
  apiKeys: apiKeySid && apiKeySecret ? [{ sid: apiKeySid, secret: apiKeySecret }] : [],
  inboundWebhookUrl: process.env.TWILIO_SANDBOX_INBOUND_URL,
  // The app is the one website allowed to call (nothing in it does from the browser today).
  appUrls: read("TWILIO_SANDBOX_INBOUND_URL") ? [read("TWILIO_SANDBOX_INBOUND_URL")!] : [],
  deliveryDelayMs: process.env.TWILIO_SANDBOX_DELIVERY_DELAY_MS ? Number(process.env.TWILIO_SANDBOX_DELIVERY_DELAY_MS) : undefined,
});

const url = await sandbox.start();
console.log(`twilio-sandbox listening on ${url} (state: ${url}/__sandbox/state)`);

const stop = () => void sandbox.stop().then(() => process.exit(0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, stop);
// scripts/dev.ts asks its stand-ins to stop when it dies, even by SIGKILL (the parent pid changes).
if (process.env.STOP_WITH_PARENT === "1") {
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop(), 1000).unref();
}
