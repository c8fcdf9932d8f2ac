import { Inngest } from "inngest";
import type { JobSender } from "./define";

/**
 * The app's Inngest client: `inngest/` serves functions with it and services send events
 * through it (as a JobSender). Keys and the engine's URL come from the INNGEST_* variables.
 */
export const inngest = new Inngest({ id: "buildos-sms" });

/** The running app's JobSender. */
export function appJobs(): JobSender {
  return {
    async send(events) {
      if (events.length > 0) await inngest.send(events);
    },
  };
}
