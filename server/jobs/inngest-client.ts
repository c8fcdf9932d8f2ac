import { Inngest } from "inngest";
import { logger } from "../logger";
import type { JobSender } from "./define";

/**
 * The app's Inngest client: `inngest/` serves functions with it and services send events
 * through it (as a JobSender). Always in the SDK's verifying ("cloud") mode: serve() runs and
 * syncs nothing unless the request is signed with INNGEST_SIGNING_KEY, whoever sends it
 * (Inngest Cloud, a self-hosted Inngest, or the local executor `npm run dev` starts, which signs
 * its requests the same way). The SDK reads INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY and
 * INNGEST_BASE_URL itself; server/config/env.ts checks them at start.
 */
export const inngest = new Inngest({
  id: "buildos-sms",
  isDev: false,
  logger: logger.child({ component: "inngest" }),
  // Checkpointing (Inngest's default for v4 SDKs) posts each step's result to the engine as soon
  // as it ran. Holding two lets a step that is followed only by the function's return travel in
  // the call's answer instead, as without checkpointing: send-sms and dispatch then cost one call
  // each and no checkpoint request. A step is durable when its result reaches the engine, in a
  // checkpoint or in the answer; a buffered step is checkpointed before a sleep, a wait or an
  // error is returned, and dispatch's send step is safe to run again (its claim says what the
  // first try did).
  checkpointing: { bufferedSteps: 2 },
});

/** The running app's JobSender. */
export function appJobs(): JobSender {
  return {
    async send(events) {
      if (events.length > 0) await inngest.send(events);
    },
  };
}
