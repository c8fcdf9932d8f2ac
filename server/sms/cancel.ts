import { sql } from "drizzle-orm";
import { DomainError } from "../errors";
import { smsCancelledEvent } from "../jobs/definitions";
import type { ServiceContext } from "../service-context";
import { CANCELLABLE_STATUSES } from "./cancel-statuses";
import { withdrawFromDigest } from "./digest/withdraw";
import { endUnsent } from "./end-unsent";
import { eventSourceOf } from "./message-events";


/**
 * Cancels a text that has not been handed to Twilio (pending, scheduled or queued): one
 * conditional update, so it either wins over the send or finds the text already sending. The
 * run holding the text is stopped by the cancel event; if it woke meanwhile, its own conditional
 * updates (and dispatch's claim, `WHERE status = 'queued'`) find the row cancelled and send nothing.
 * A queued text gives back its daily-cap slot in the same write (end-unsent.ts).
 * A user may cancel only their own texts (another user's is simply not found). Cancelling a
 * cancelled text again changes nothing; any later status is a CONFLICT. A text waiting inside a
 * digest that has not left is taken out of it (server/sms/digest/withdraw.ts).
 */
export async function cancelMessage(
  ctx: ServiceContext,
  messageId: string,
): Promise<{ messageId: string; status: "cancelled"; changed: boolean }> {
  const owner = ctx.actor.type === "user" ? ctx.actor.userId : null;
  const cancel = {
    messageId,
    where: owner === null ? undefined : sql`m.user_id = ${owner}::text`,
    set: [sql`held_until = null`, sql`hold_reason = null`],
    event: { status: "cancelled", source: eventSourceOf(ctx.actor) },
    at: new Date(),
  };
  const ended = await endUnsent(ctx.db, { ...cancel, from: CANCELLABLE_STATUSES, to: "cancelled" });
  if (ended.changed) {
    await smsCancelledEvent.trigger(ctx.jobs, { messageId });
    return { messageId, status: "cancelled", changed: true };
  }
  if (!ended.status) throw new DomainError("NOT_FOUND", "Message not found");
  if (ended.status === "merged") {
    const withdrawn = await withdrawFromDigest(ctx.db, cancel);
    if (withdrawn.cancelledDigestId) await smsCancelledEvent.trigger(ctx.jobs, { messageId: withdrawn.cancelledDigestId });
    if (withdrawn.changed) return { messageId, status: "cancelled", changed: true };
    throw new DomainError("CONFLICT", "This text already went out in a digest");
  }
  if (ended.status === "cancelled") return { messageId, status: "cancelled", changed: false };
  throw new DomainError("CONFLICT", `This text is already ${ended.status}; only a pending, scheduled or queued text can be cancelled`);
}
