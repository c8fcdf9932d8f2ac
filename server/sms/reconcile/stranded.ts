import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import type { SmsPriority } from "../categories";
import type { ReconcileDeps, SweepPage, TimeCursor } from "./deps";
import { afterTimeCursor, nextTimeCursor } from "./time-cursor";
import { RECONCILE_POLICY } from "./policy";

type StrandedOutcome = "restarted";

export interface StrandedPage extends SweepPage<TimeCursor, StrandedOutcome> {
  /** Messages whose send run is started again (the caller sends the events, in a memoized step). */
  restart: { messageId: string; priority: SmsPriority }[];
}

interface Row extends Record<string, unknown> {
  id: string;
  priority: SmsPriority;
  cursor_at: string;
}

/**
 * One page of texts still `pending` well after they were requested. A send run moves a text out
 * of `pending` at its first decision, so one still there was inserted but its start event never
 * reached the engine (the request's insert committed, then its event send failed, and a retry
 * found the dedupe key taken). Its start event is sent again with the same id (the message id):
 * an engine that did get the first one drops the repeat. Texts older than the engine's 24-hour
 * dedupe window are left alone rather than risk a second run.
 */
export async function strandedRequestsPage(
  deps: ReconcileDeps,
  { now, after, limit }: { now: Date; after: TimeCursor | null; limit: number },
): Promise<StrandedPage> {
  const at = now.toISOString();
  const rows = await executeRows<Row>(
    deps.db,
    sql`
    select m.id, m.priority, m.created_at::text as cursor_at
    from sms_messages m
    where m.status = 'pending'
      and m.created_at < ${at}::timestamptz - make_interval(secs => ${RECONCILE_POLICY.strandedAfterMs / 1000})
      and m.created_at > ${at}::timestamptz - make_interval(secs => ${RECONCILE_POLICY.strandedUntilMs / 1000})
      ${afterTimeCursor(sql`m.created_at`, after)}
    order by m.created_at, m.id
    limit ${limit}`,
  );
  return {
    next: nextTimeCursor(rows, limit),
    counts: { restarted: rows.length },
    restart: rows.map((r) => ({ messageId: r.id, priority: r.priority })),
  };
}
