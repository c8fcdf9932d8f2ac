import { sql } from "drizzle-orm";
import { DomainError } from "../errors";
import { smsCancelledEvent } from "../jobs/definitions";
import type { ServiceContext } from "../service-context";
import { endUnsent } from "./end-unsent";
import { eventSourceOf } from "./message-events";
import type { SmsStatus } from "./status-rank";

/** The statuses a text can be cancelled from: it has not been handed to Twilio. */
export const CANCELLABLE_STATUSES = ["pending", "scheduled", "queued"] as const satisfies readonly SmsStatus[];

/**
 * Cancels a text that has not been handed to Twilio (pending, scheduled or queued): one
 * conditional update, so it either wins over the send or finds the text already sending. The
 * run holding the text is stopped by the cancel event; if it woke meanwhile, its own conditional
 * updates (and dispatch's claim, `WHERE status = 'queued'`) find the row cancelled and send nothing.
 * A queued text gives back its daily-cap slot in the same write (end-unsent.ts).
 * A user may cancel only their own texts (another user's is simply not found). Cancelling a
 * cancelled text again changes nothing; any later status is a CONFLICT.
 */
export async function cancelMessage(
  ctx: ServiceContext,
  messageId: string,
): Promise<{ messageId: string; status: "cancelled"; changed: boolean }> {
  const owner = ctx.actor.type === "user" ? ctx.actor.userId : null;
  const ended = await endUnsent(ctx.db, {
    messageId,
    from: CANCELLABLE_STATUSES,
    where: owner === null ? undefined : sql`m.user_id = ${owner}::text`,
    to: "cancelled",
    set: [sql`held_until = null`, sql`hold_reason = null`],
    event: { status: "cancelled", source: eventSourceOf(ctx.actor) },
    at: new Date(),
  });
  if (ended.changed) {
    await smsCancelledEvent.trigger(ctx.jobs, { messageId });
    return { messageId, status: "cancelled", changed: true };
  }
  if (!ended.status) throw new DomainError("NOT_FOUND", "Message not found");
  if (ended.status === "cancelled") return { messageId, status: "cancelled", changed: false };
  throw new DomainError("CONFLICT", `This text is already ${ended.status}; only a pending, scheduled or queued text can be cancelled`);
}
