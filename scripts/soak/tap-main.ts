/**
 * The soak's tap between the app and the Twilio sandbox, as a process of its own (see proxy.ts):
 * SOAK_TAP_PORT, SOAK_SANDBOX_PORT.
 */
import { startTwilioTap } from "./proxy";

const tap = await startTwilioTap(Number(process.env.SOAK_TAP_PORT), Number(process.env.SOAK_SANDBOX_PORT));
console.log(`soak tap on ${tap.url}`);
if (process.env.STOP_WITH_PARENT === "1") {
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref();
}
