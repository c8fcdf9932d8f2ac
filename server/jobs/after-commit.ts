import { logger } from "../logger";
import type { JobEvent, JobSender } from "./define";

/**
 * A JobSender that holds events until `flush`: a service run inside a transaction triggers its
 * jobs here, and the caller flushes them once the transaction committed, so a durable run never
 * starts for a row that a rollback took back (or before the row is visible).
 *
 * By then the work is committed, so a flush that cannot reach the engine does not fail the
 * request (an admin told "try again" would send a second text): it is logged, and the rows it
 * was for are picked up by recover-stranded (server/sms/reconcile/stranded.ts) within minutes.
 */
export function jobsAfterCommit(): JobSender & { flush(target: JobSender): Promise<void> } {
  const held: JobEvent[] = [];
  return {
    async send(events) {
      held.push(...events);
    },
    async flush(target) {
      if (held.length > 0) await sendCommitted(target, held.splice(0));
    },
  };
}

/**
 * Sends events for work already committed. An engine that cannot be reached is logged, not
 * thrown: the committed rows are the record, and recovery starts their runs.
 */
export async function sendCommitted(target: JobSender, events: JobEvent[]): Promise<void> {
  try {
    await target.send(events);
  } catch (error) {
    logger.warn(
      { err: error, events: events.map((e) => ({ name: e.name, id: e.id })) },
      "could not reach the durable engine after a commit; the work is kept and recovery will start it",
    );
  }
}
