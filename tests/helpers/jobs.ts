import type { JobEvent, JobSender } from "@/server/jobs/define";

/** A JobSender that keeps what it was given, so a test can assert what was (or was not) enqueued. */
export function recordingJobs(): JobSender & { sent: JobEvent[] } {
  const sent: JobEvent[] = [];
  return {
    sent,
    async send(events) {
      sent.push(...events);
    },
  };
}
