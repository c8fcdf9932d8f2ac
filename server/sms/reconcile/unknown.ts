import { sql } from "drizzle-orm";
import { z } from "zod";
import { column, queryRows } from "@/db/raw-rows";
import { smsPriority } from "@/db/schema";
import { ProviderError, type SentMessage } from "../provider";
import type { SmsPriority } from "../categories";
import { STATUS_RANK, statusFromTwilio } from "../status-rank";
import { applyStatusReport } from "../apply-status-reports";
import { endUnsent } from "../end-unsent";
import type { ReconcileDeps, SweepPage, TimeCursor } from "./deps";
import { timeKeysetPage } from "./keyset-page";
import { findTwilioRecord } from "./match";
import { mapLimited, RECONCILE_POLICY } from "./policy";
import { reportFromTwilio } from "./report";

type UnknownOutcome = "adopted" | "in_progress" | "waiting" | "requeued" | "failed" | "lookup_error";

export interface UnknownPage extends SweepPage<TimeCursor, UnknownOutcome> {
  /** Messages put back to `queued`: the caller starts their dispatch (a separate, memoized step). */
  requeued: { messageId: string; priority: SmsPriority }[];
}

const UNKNOWN_COLUMNS = {
  to: z.string().nullable(),
  body: z.string(),
  priority: z.enum(smsPriority.enumValues),
  claimed_at: column.timestamp,
  requeued: z.boolean(),
};

/** The event that records a re-queue; its presence is what makes the re-queue happen only once. */
export const REQUEUED_EVENT = "requeued";

/**
 * One page of `unknown` messages (Twilio's answer to our send was lost). Each is looked up at
 * Twilio by recipient and time window:
 * - a record found (same number and body, not another message's) is applied through the
 *   monotonic status path with source `reconcile`, which also adopts its SID;
 * - no record 15 minutes after the claim: put back to `queued` once (recorded as
 *   a `requeued` event); if it was already re-queued once, it fails instead of going a third time.
 */
export async function reconcileUnknownPage(
  deps: ReconcileDeps,
  { now, after, limit }: { now: Date; after: TimeCursor | null; limit: number },
): Promise<UnknownPage> {
  const { rows, next } = await timeKeysetPage(
    deps.db,
    {
      key: sql`m.created_at`,
      columns: sql`m."to", m.body, m.priority,
           -- The claim: dispatch records a 'sending' event when it takes the row.
           coalesce((select max(e.created_at) from sms_message_events e where e.message_id = m.id and e.status = 'sending'),
                    m.updated_at) as claimed_at,
           exists (select 1 from sms_message_events e where e.message_id = m.id and e.status = ${REQUEUED_EVENT}) as requeued`,
      where: sql`m.status = 'unknown'`,
      after,
      limit,
    },
    UNKNOWN_COLUMNS,
  );
  const counts: Record<UnknownOutcome, number> = { adopted: 0, in_progress: 0, waiting: 0, requeued: 0, failed: 0, lookup_error: 0 };
  const requeued: UnknownPage["requeued"] = [];

  const lookups = await mapLimited(rows, RECONCILE_POLICY.concurrency, async (row) => {
    const claimedAt = row.claimed_at;
    if (!row.to) return { row, claimedAt, records: [] as SentMessage[] };
    try {
      const records = await deps.provider.listByRecipient(row.to, {
        sentAfter: new Date(claimedAt.getTime() - RECONCILE_POLICY.lookupSlackMs),
      });
      return { row, claimedAt, records };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      deps.log.warn({ messageId: row.id, reason: error.message }, "reconcile: Twilio lookup failed; trying again next tick");
      return { row, claimedAt, records: null };
    }
  });

  const taken = await sidsInUse(deps, lookups.flatMap((l) => (l.records ?? []).map((r) => r.sid)));
  for (const { row, claimedAt, records } of lookups) {
    if (records === null) {
      counts.lookup_error += 1;
      continue;
    }
    const record = row.to
      ? findTwilioRecord({ to: row.to, body: row.body, notBefore: new Date(claimedAt.getTime() - RECONCILE_POLICY.lookupSlackMs) }, records, taken)
      : null;
    if (record) {
      taken.add(record.sid);
      const status = statusFromTwilio(record.status);
      if (!status || STATUS_RANK[status] <= STATUS_RANK.unknown) {
        counts.in_progress += 1; // at Twilio but not sent yet: its callbacks (or the next tick) settle it
        continue;
      }
      await applyStatusReport(deps, reportFromTwilio(record, row.id, now));
      counts.adopted += 1;
      continue;
    }
    if (now.getTime() - claimedAt.getTime() < RECONCILE_POLICY.requeueAfterMs) {
      counts.waiting += 1;
      continue;
    }
    if (row.requeued) {
      if (await failAfterRequeue(deps, row.id, now)) counts.failed += 1;
    } else if (await requeueOnce(deps, row.id, now)) {
      counts.requeued += 1;
      requeued.push({ messageId: row.id, priority: row.priority });
    }
  }

  return { next, counts, requeued };
}

/** SIDs already attached to one of our messages: never adopted by another. */
async function sidsInUse(deps: ReconcileDeps, sids: string[]): Promise<Set<string>> {
  if (sids.length === 0) return new Set();
  const rows = await queryRows(
    deps.db,
    sql`select twilio_sid from sms_messages where twilio_sid in (select jsonb_array_elements_text(${JSON.stringify(sids)}::text::jsonb))`,
    z.object({ twilio_sid: z.string() }),
  );
  return new Set(rows.map((r) => r.twilio_sid));
}

/** unknown → queued with its `requeued` event, in one statement, only if never re-queued before. */
async function requeueOnce(deps: ReconcileDeps, messageId: string, now: Date): Promise<boolean> {
  const rows = await queryRows(
    deps.db,
    sql`
    with moved as (
      update sms_messages set status = 'queued', updated_at = ${now.toISOString()}::timestamptz
      where id = ${messageId}::uuid and status = 'unknown'
        and not exists (select 1 from sms_message_events e where e.message_id = ${messageId}::uuid and e.status = ${REQUEUED_EVENT})
      returning id
    )
    insert into sms_message_events (message_id, status, source, applied, payload, created_at)
    select id, ${REQUEUED_EVENT}, 'reconcile', true,
           jsonb_build_object('reason', 'no record at Twilio ' || ${RECONCILE_POLICY.requeueAfterMs / 60_000}::int || ' minutes after the send'),
           ${now.toISOString()}::timestamptz
    from moved
    returning message_id`,
    z.object({ message_id: z.string() }),
  );
  return rows.length > 0;
}

/**
 * A re-queued text that again left no record at Twilio fails rather than going a third time, and
 * gives back its daily-cap slot: by every sign Twilio never took it.
 */
async function failAfterRequeue(deps: ReconcileDeps, messageId: string, now: Date): Promise<boolean> {
  const reason = "no record at Twilio after a re-queue; not sent again";
  const { changed } = await endUnsent(deps.db, {
    messageId,
    from: ["unknown"],
    to: "failed",
    set: [sql`fail_reason = ${reason}::text`],
    event: { status: "failed", source: "reconcile", payload: { reason } },
    at: now,
  });
  return changed;
}
