import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw-rows";
import { PRIORITIES } from "@/common/limits";
import { decideForState, MESSAGE_STATE_COLUMNS, MESSAGE_STATE_JOINS, messageStateSchema } from "../message-state";
import { composeDigest } from "./compose";
import { digestItemOf, ITEM_COLUMNS, ITEM_JOINS, itemRowSchema } from "./items";

/** A text held by the user's quiet hours, with what deciding it and listing it need. */
const heldSchema = messageStateSchema.extend(itemRowSchema.shape).extend({ digest_on: z.boolean().nullable() });
type Held = z.infer<typeof heldSchema>;

/**
 * The user's texts held by quiet hours whose hold has ended (texts that are not reminders first,
 * then reminders by their reference), locked: a second run waking at the same moment waits here,
 * then finds them merged. Urgent texts
 * never wait for quiet hours and `account` texts ignore them, so neither is ever among these.
 */
async function heldTexts(db: DbOrTx, messageId: string, now: Date): Promise<Held[]> {
  return queryRows(
    db,
    sql`
    select ${MESSAGE_STATE_COLUMNS}, ${ITEM_COLUMNS}, p.digest_after_quiet_hours as digest_on
    from sms_messages m ${MESSAGE_STATE_JOINS} ${ITEM_JOINS}
    where m.user_id = (select w.user_id from sms_messages w where w.id = ${messageId}::uuid)
      and m.status = 'scheduled' and m.hold_reason = 'quiet_hours' and m.held_until <= ${now.toISOString()}::timestamptz
      and m.priority <> 'urgent' and m.category <> 'account'
    order by m.reply_ref nulls first, m.created_at, m.id
    for update of m`,
    heldSchema,
  );
}

/**
 * When quiet hours end and the user has two or more non-urgent texts held by them that may go
 * now, they go as one digest (design decision in docs/ARCHITECTURE.md, "Digest after quiet
 * hours"): a new text listing them (compose.ts), and each held text ends `merged`, pointing at it.
 * The digest is then an ordinary text — decided, capped once, queued and sent like any other.
 *
 * Called by the run of the text that woke (`messageId`); returns the digest's id when that text
 * was merged, or null when it goes alone (digests off, or nothing else held). Texts that may not go
 * now (opted out, category off, stale, expired) are left to their own runs to end as they should.
 * One transaction; the held rows are locked, so two runs waking together make one digest.
 */
export async function mergeHeldIntoDigest(db: DbOrTx, messageId: string, now: Date): Promise<string | null> {
  return db.transaction(async (tx) => {
    const held = await heldTexts(tx, messageId, now);
    const waking = held.find((text) => text.id === messageId);
    if (!waking || waking.digest_on === false) return null;
    const going = held.filter((text) => decideForState(text, now).action === "send");
    if (going.length < 2 || !going.includes(waking)) return null;

    const composed = composeDigest(
      going.map((text) => digestItemOf(text, now)),
      { actOnReplies: waking.act_on_replies ?? true },
    );
    const categories = new Set(going.map((text) => text.category));
    const [row] = await queryRows(
      tx,
      sql`
      with digest as (
        insert into sms_messages (user_id, "to", body, category, priority, status, valid_until, segments, encoding,
          dedupe_key, phone_verified_at, digest_size, created_at, updated_at)
        values (${waking.user_id}, ${waking.to}, ${composed.body},
          ${categories.size === 1 ? waking.category : "task_reminders"}::sms_category, ${highestPriority(going)}::sms_priority,
          'pending', ${latestDeadline(going)}::timestamptz, ${composed.segments}::int, ${composed.encoding},
          ${`digest:${messageId}`}, ${waking.phone_verified_at?.toISOString() ?? null}::timestamptz, ${going.length}::int,
          ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
        on conflict (dedupe_key) do nothing
        returning id
      ),
      merged as (
        update sms_messages m set status = 'merged', merged_into_id = d.id, held_until = null, hold_reason = null,
          updated_at = ${now.toISOString()}::timestamptz
        from digest d
        where m.id in (select jsonb_array_elements_text(${JSON.stringify(going.map((text) => text.id))}::text::jsonb)::uuid)
          and m.status = 'scheduled'
        returning m.id, d.id as digest_id
      ),
      events as (
        insert into sms_message_events (message_id, status, source, applied, payload, created_at)
        select id, 'merged', 'system'::sms_event_source, true, jsonb_build_object('digestId', digest_id), ${now.toISOString()}::timestamptz from merged
        union all
        select id, 'pending', 'system'::sms_event_source, true, jsonb_build_object('digestOf', ${going.length}::int), ${now.toISOString()}::timestamptz from digest
      )
      select (select id from digest) as digest_id`,
      z.object({ digest_id: z.string().nullable() }),
    );
    return row?.digest_id ?? null;
  });
}

const highestPriority = (texts: Held[]) => PRIORITIES[Math.min(...texts.map((text) => PRIORITIES.indexOf(text.priority)))]!;

/** A digest may arrive as late as its latest item could; null when any item has no deadline. */
function latestDeadline(texts: Held[]): string | null {
  if (texts.some((text) => text.valid_until === null)) return null;
  return new Date(Math.max(...texts.map((text) => text.valid_until!.getTime()))).toISOString();
}
