import { sql, type SQL } from "drizzle-orm";

/**
 * The app-wide send pacer: the cap on texts handed to Twilio per second (SMS_MAX_PER_SECOND)
 * holds at the moment of sending, not only when the engine starts a dispatch run. Inngest's
 * throttle starts runs at the cap, but its calls reach the app with varying delays and arrive
 * bunched; so each claim also takes the next send slot from one row (`sms_send_pacer`, GCRA:
 * slots exactly 1/cap apart, the database's clock for every app instance) and the send waits
 * for its slot. Behind the throttle the wait is zero or a fraction of a second.
 */

/** The pacer row of our one sender pool (the Messaging Service or From number Twilio paces). */
const SEND_PACER_ID = "twilio";

/**
 * The longest a claim holds its step waiting for a slot. A longer queue at the pacer means the
 * throttle in front is not keeping up (another deployment sharing the database, an engine
 * burst): the message is then not claimed, stays `queued`, and the run sleeps and asks again,
 * instead of holding an HTTP call to the app open (and widening the window in which a crash
 * leaves a text `unknown`) for many seconds. With a cap of 1/s this still lets 3 texts queue.
 */
export const MAX_SEND_SLOT_WAIT_MS = 3_000;

const spacing = (maxPerSecond: number) => sql`(${1000 / maxPerSecond}::float8 * interval '1 millisecond')`;

/**
 * A CTE body that takes the next send slot for a message, returning `send_at` (the slot's start)
 * — but only when the message is still `queued` (a retried step that already claimed it, or a
 * message someone else sent or cancelled, takes no slot) and the slot is within
 * MAX_SEND_SLOT_WAIT_MS. No row: no slot taken. The row lock on the pacer serialises claims for
 * the length of one statement; clock_timestamp() is read after the lock, so slots never overlap.
 */
export function takeSendSlot(messageId: string, maxPerSecond: number): SQL {
  return sql`
    insert into sms_send_pacer (id, next_at)
    select ${SEND_PACER_ID}::text, clock_timestamp() + ${spacing(maxPerSecond)}
    from sms_messages where id = ${messageId}::uuid and status = 'queued'
    on conflict (id) do update
      set next_at = greatest(sms_send_pacer.next_at, clock_timestamp()) + ${spacing(maxPerSecond)}
      where sms_send_pacer.next_at <= clock_timestamp() + ${MAX_SEND_SLOT_WAIT_MS}::float8 * interval '1 millisecond'
    returning next_at - ${spacing(maxPerSecond)} as send_at`;
}

/** How long until the pacer's next free slot (0 when free now), as a scalar SQL expression. */
export const sendBacklogMs = sql`
  coalesce((select greatest(0, extract(epoch from (next_at - clock_timestamp())) * 1000)
    from sms_send_pacer where id = ${SEND_PACER_ID}), 0)`;
