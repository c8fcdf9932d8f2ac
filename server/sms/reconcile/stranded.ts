import { sql } from "drizzle-orm";
import { z } from "zod";
import { column, queryRows } from "@/db/raw-rows";
import { smsPriority } from "@/db/schema";
import type { SmsPriority } from "../categories";
import { endUnsent } from "../end-unsent";
import type { ReconcileDeps } from "./deps";
import { RECONCILE_POLICY } from "./policy";

/** The event that records a restart; how many a text has is what bounds its restarts. */
export const RESTARTED_EVENT = "restarted";

type StrandedOutcome = "restarted" | "failed";

export interface StrandedPage {
  /** Whether a full page was taken (another may follow). */
  more: boolean;
  counts: Record<StrandedOutcome, number>;
  /** Send runs to start again, each with an event id of its own (the caller sends them, in a memoized step). */
  restart: { messageId: string; priority: SmsPriority; eventId: string }[];
}

const strandedRow = z.object({ id: z.string(), priority: z.enum(smsPriority.enumValues), restarts: column.count });

/**
 * One page of texts whose send run is gone: still `pending` STRANDED_AFTER after their last
 * change (the request's insert committed but its start event never reached the engine, or the
 * run died before its first decision), or `scheduled` that long past the moment they were held
 * until (the run that slept on them died). A run that is alive moves its text within seconds of
 * that moment.
 *
 * Each is started again with a fresh event id (`<id>:recover:<n>` — the engine drops a repeated
 * id for 24 hours, so re-sending the first would do nothing), its row touched and a `restarted`
 * event kept, in one statement, so the next sweep leaves it alone for another STRANDED_AFTER. A
 * second run for a text whose first is merely slow is harmless: every write checks its status and
 * only one claim sends. After MAX_RESTARTS the text fails with its reason instead.
 */
export async function recoverStrandedPage(deps: ReconcileDeps, { now, limit }: { now: Date; limit: number }): Promise<StrandedPage> {
  const at = now.toISOString();
  const staleBefore = sql`${at}::timestamptz - make_interval(secs => ${RECONCILE_POLICY.strandedAfterMs / 1000})`;
  const rows = await queryRows(
    deps.db,
    sql`
    with stranded as (
      select m.id, m.priority,
        (select count(*) from sms_message_events e where e.message_id = m.id and e.status = ${RESTARTED_EVENT}) as restarts
      from sms_messages m
      where m.updated_at < ${staleBefore}
        and (m.status = 'pending' or (m.status = 'scheduled' and m.held_until < ${staleBefore}))
      order by m.updated_at, m.id
      limit ${limit}
      for update skip locked
    ),
    touched as (
      update sms_messages m set updated_at = ${at}::timestamptz
      from stranded s
      where m.id = s.id and s.restarts < ${RECONCILE_POLICY.maxRestarts}
      returning m.id
    ),
    event as (
      insert into sms_message_events (message_id, status, source, applied, payload, created_at)
      select s.id, ${RESTARTED_EVENT}, 'reconcile', true, jsonb_build_object('restart', s.restarts + 1), ${at}::timestamptz
      from stranded s where s.id in (select id from touched)
    )
    select id, priority, restarts from stranded`,
    strandedRow,
  );
  const counts: Record<StrandedOutcome, number> = { restarted: 0, failed: 0 };
  const restart: StrandedPage["restart"] = [];
  for (const row of rows) {
    const restarts = row.restarts;
    if (restarts < RECONCILE_POLICY.maxRestarts) {
      counts.restarted += 1;
      restart.push({ messageId: row.id, priority: row.priority, eventId: `${row.id}:recover:${restarts + 1}` });
      continue;
    }
    const reason = `its send run was lost ${RECONCILE_POLICY.maxRestarts + 1} times; not sent`;
    const { changed } = await endUnsent(deps.db, {
      messageId: row.id,
      from: ["pending", "scheduled"],
      to: "failed",
      set: [sql`fail_reason = ${reason}::text`, sql`held_until = null`, sql`hold_reason = null`],
      event: { status: "failed", source: "reconcile", payload: { reason } },
      at: now,
    });
    if (changed) counts.failed += 1;
  }
  return { more: rows.length === limit, counts, restart };
}
