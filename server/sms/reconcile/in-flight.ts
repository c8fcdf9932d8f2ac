import { sql } from "drizzle-orm";
import { z } from "zod";
import { executeRows } from "@/db/client";
import { queryRows } from "@/db/raw-rows";
import { smsStatus } from "@/db/schema";
import { ProviderError, type SentMessage } from "../provider";
import { STATUS_RANK, statusFromTwilio } from "../status-rank";
import { applyStatusReport } from "../apply-status-reports";
import type { ReconcileDeps, SweepPage, TimeCursor } from "./deps";
import { timeKeysetPage } from "./keyset-page";
import { mapLimited, RECONCILE_POLICY } from "./policy";
import { reportFromTwilio } from "./report";

export type InFlightOutcome = "applied" | "unchanged" | "marked_unknown" | "fetch_error";

const IN_FLIGHT_COLUMNS = { status: z.enum(smsStatus.enumValues), twilio_sid: z.string().nullable() };

/**
 * One page of texts stuck `sending` or `sent`: no news for `stuckAfterMs` (a lost callback, or a
 * carrier slow to confirm). Each is fetched from Twilio and what came back goes through the same
 * monotonic path as callbacks (source `reconcile`); each fetch is noted (`reconciled_at`) so a
 * text is fetched at most once per `stuckAfterMs`, and not at all after `giveUpAfterMs`.
 * A claim without a SID this old means the sender died between claim and answer: that text is
 * marked `unknown`, and the unknown sweep looks it up by recipient.
 */
export async function reconcileInFlightPage(
  deps: ReconcileDeps,
  { now, after, limit }: { now: Date; after: TimeCursor | null; limit: number },
): Promise<SweepPage<TimeCursor, InFlightOutcome>> {
  const at = now.toISOString();
  const { rows, next } = await timeKeysetPage(
    deps.db,
    {
      key: sql`greatest(m.updated_at, m.reconciled_at)`,
      columns: sql`m.status, m.twilio_sid`,
      where: sql`m.status in ('sending', 'sent')
        and greatest(m.updated_at, m.reconciled_at) < ${at}::timestamptz - make_interval(secs => ${RECONCILE_POLICY.stuckAfterMs / 1000})
        and m.updated_at > ${at}::timestamptz - make_interval(secs => ${RECONCILE_POLICY.giveUpAfterMs / 1000})`,
      after,
      limit,
    },
    IN_FLIGHT_COLUMNS,
  );
  const counts: Record<InFlightOutcome, number> = { applied: 0, unchanged: 0, marked_unknown: 0, fetch_error: 0 };

  const withoutSid = rows.filter((r) => r.twilio_sid === null).map((r) => r.id);
  counts.marked_unknown = await markUnknown(deps, withoutSid, now);

  const fetched = await mapLimited(
    rows.filter((r) => r.twilio_sid !== null),
    RECONCILE_POLICY.concurrency,
    async (row): Promise<{ row: (typeof rows)[number]; record: SentMessage | null; retry: boolean }> => {
      try {
        return { row, record: await deps.provider.fetch(row.twilio_sid!), retry: false };
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        deps.log.warn({ messageId: row.id, reason: error.message }, "reconcile: Twilio fetch failed");
        // A permanent answer (not found, say) will not change by asking again soon.
        return { row, record: null, retry: error.kind !== "permanent" };
      }
    },
  );
  const checked: string[] = [];
  for (const { row, record, retry } of fetched) {
    if (!retry) checked.push(row.id);
    if (!record) {
      counts.fetch_error += 1;
      continue;
    }
    const status = statusFromTwilio(record.status);
    if (!status || STATUS_RANK[status] <= STATUS_RANK[row.status]) {
      counts.unchanged += 1;
      continue;
    }
    const outcome = await applyStatusReport(deps, reportFromTwilio(record, row.id, now));
    counts[outcome.result === "applied" ? "applied" : "unchanged"] += 1;
  }
  await noteChecked(deps, checked, now);

  return { next, counts };
}

async function noteChecked(deps: ReconcileDeps, ids: string[], now: Date) {
  if (ids.length === 0) return;
  await executeRows(
    deps.db,
    sql`update sms_messages set reconciled_at = ${now.toISOString()}::timestamptz
        where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::text::jsonb)::uuid)`,
  );
}

/** sending (no SID) → unknown, with an event; only rows still in that state move. */
async function markUnknown(deps: ReconcileDeps, ids: string[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const at = now.toISOString();
  const moved = await queryRows(
    deps.db,
    sql`
    with moved as (
      update sms_messages set status = 'unknown', updated_at = ${at}::timestamptz,
        error_message = 'claimed for sending but no answer was recorded'
      where id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::text::jsonb)::uuid)
        and status = 'sending' and twilio_sid is null
      returning id
    )
    insert into sms_message_events (message_id, status, source, applied, created_at)
    select id, 'unknown', 'reconcile', true, ${at}::timestamptz from moved
    on conflict do nothing
    returning message_id`,
    z.object({ message_id: z.string() }),
  );
  return moved.length;
}
