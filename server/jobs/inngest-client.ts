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
export const inngest = new Inngest({ id: "buildos-sms", isDev: false, logger: logger.child({ component: "inngest" }) });

/** The running app's JobSender. */
export function appJobs(): JobSender {
  return {
    async send(events) {
      if (events.length > 0) await inngest.send(events);
    },
  };
}
