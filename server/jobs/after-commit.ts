import type { JobEvent, JobSender } from "./define";

/**
 * A JobSender that holds events until `flush`: a service run inside a transaction triggers its
 * jobs here, and the caller flushes them once the transaction committed, so a durable run never
 * starts for a row that a rollback took back (or before the row is visible).
 */
export function jobsAfterCommit(): JobSender & { flush(target: JobSender): Promise<void> } {
  const held: JobEvent[] = [];
  return {
    async send(events) {
      held.push(...events);
    },
    async flush(target) {
      if (held.length > 0) await target.send(held.splice(0));
    },
  };
}
