/**
 * Runs the local Twilio sandbox: `npx tsx local/twilio-sandbox/main.ts`.
 * TWILIO_SANDBOX_PORT (default 8465), TWILIO_SANDBOX_INBOUND_URL (the app's inbound webhook),
 * TWILIO_SANDBOX_DELIVERY_DELAY_MS (per lifecycle hop, default 200).
 */
import {
  SANDBOX_ACCOUNT_SID,
  SANDBOX_API_KEY_SECRET,
  SANDBOX_API_KEY_SID,
  SANDBOX_AUTH_TOKEN,
  SANDBOX_DEFAULT_PORT,
} from "./credentials";
import { createTwilioSandbox } from "./sandbox";

const sandbox = createTwilioSandbox({
  port: Number(process.env.TWILIO_SANDBOX_PORT ?? SANDBOX_DEFAULT_PORT),
  accountSid: SANDBOX_ACCOUNT_SID,
  authToken: SANDBOX_AUTH_TOKEN,
  apiKeys: [{ sid: SANDBOX_API_KEY_SID, secret: SANDBOX_API_KEY_SECRET }],
  inboundWebhookUrl: process.env.TWILIO_SANDBOX_INBOUND_URL,
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
