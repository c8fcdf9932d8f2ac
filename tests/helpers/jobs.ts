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

/** A JobSender that sends through an Inngest client (e.g. one pointed at a test executor). */
export function clientJobs(client: { send(events: JobEvent[]): Promise<unknown> }): JobSender {
  return {
    async send(events) {
      if (events.length > 0) await client.send(events);
    },
  };
}
