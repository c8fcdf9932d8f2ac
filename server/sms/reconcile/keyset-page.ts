import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { queryRows } from "@/db/raw-rows";
import type { TimeCursor } from "./deps";

/** What every keyset page reads besides the sweep's own columns: the row id and its sort time. */
const KEYSET_COLUMNS = { id: z.string(), cursor_at: z.string() };
const keysetRow = z.object(KEYSET_COLUMNS);

export interface KeysetQuery {
  /** The sort time, an expression over `sms_messages m`. */
  key: SQL;
  /** The sweep's own columns (after `m.id` and `cursor_at`). */
  columns: SQL;
  /** Which rows the sweep takes. */
  where: SQL;
  after: TimeCursor | null;
  limit: number;
}

/**
 * One page of a reconciliation sweep over `sms_messages m`, the one home of the keyset rule the
 * sweeps page by: rows ordered by (`key`, id), each page starting after the last row of the one
 * before. The time travels as PostgreSQL printed it (`cursor_at`, full precision), so no row is
 * skipped or read twice. Rows come back parsed with `shape` (db/raw-rows.ts); `next` is where the
 * next page starts, or null when this one was not full (done).
 */
export async function timeKeysetPage<S extends z.ZodRawShape>(db: DbOrTx, query: KeysetQuery, shape: S) {
  const { key, after, limit } = query;
  const rows = await queryRows(
    db,
    sql`
    select m.id, (${key})::text as cursor_at, ${query.columns}
    from sms_messages m
    where ${query.where}
      ${after ? sql`and (${key}, m.id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
    order by ${key}, m.id
    limit ${limit}`,
    z.object({ ...shape, ...KEYSET_COLUMNS }),
  );
  const last = rows.length < limit || rows.length === 0 ? undefined : keysetRow.parse(rows.at(-1));
  const next: TimeCursor | null = last ? { at: last.cursor_at, id: last.id } : null;
  return { rows, next };
}
