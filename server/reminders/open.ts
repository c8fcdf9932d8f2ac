import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw-rows";
import { REPLY_REF_MAX } from "@/common/reply-words";

/** How long after it was sent a reminder can still be answered by a bare DONE or SNOOZE. */
export const REPLY_WINDOW_HOURS = 24;

/** A reminder that has not failed or been called off: on its way, or with its reader (alone or in a digest). */
const LIVE_STATUSES = sql.raw(`('pending', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'unknown', 'merged')`);

/** Whether a reply already acted on the reminder in row `m` (it was completed or snoozed by text). */
export function answeredSql(alias: string): SQL {
  return sql.raw(
    `exists (select 1 from sms_inbound_messages i where i.answered_message_id = ${alias}.id and i.outcome in ('completed', 'snoozed'))`,
  );
}

/**
 * The reference numbers held by reminders open on each of these numbers: live, requested within
 * the reply window, their task still open and not answered. References are per number, not per
 * user, so two people sharing a phone never see the same "DONE 2" for different tasks.
 */
export async function refsInUse(db: DbOrTx, phones: string[], now: Date): Promise<Map<string, Set<number>>> {
  const used = new Map<string, Set<number>>();
  if (phones.length === 0) return used;
  const rows = await queryRows(
    db,
    sql`
    select m."to", coalesce(m.reply_ref, 1) as reply_ref from sms_messages m
    join tasks t on t.id = m.task_id and t.completed_at is null
    where m."to" in (select jsonb_array_elements_text(${JSON.stringify([...new Set(phones)])}::text::jsonb))
      and m.task_id is not null and m.status in ${LIVE_STATUSES}
      and m.created_at > ${now.toISOString()}::timestamptz - make_interval(hours => ${REPLY_WINDOW_HOURS}::int)
      and not ${answeredSql("m")}`,
    z.object({ to: z.string(), reply_ref: z.number() }),
  );
  for (const row of rows) used.set(row.to, (used.get(row.to) ?? new Set()).add(row.reply_ref));
  return used;
}

/**
 * The smallest reference free on a number (1 when nothing is open). With all nine taken it
 * reuses 1: a reply names the newest reminder holding a reference (server/sms/reply-actions).
 */
export function nextFreeRef(used: Set<number>): number {
  for (let ref = 1; ref <= REPLY_REF_MAX; ref++) if (!used.has(ref)) return ref;
  return 1;
}
