import { sql, type SQL } from "drizzle-orm";
import type { TimeCursor } from "./deps";

/**
 * The keyset rule every reconciliation sweep pages by: rows of `sms_messages m` ordered by
 * (a time, id), each page starting after the last row of the one before. The time travels as
 * PostgreSQL printed it (`cursor_at`, full precision), so no row is skipped or read twice.
 */
export function afterTimeCursor(key: SQL, after: TimeCursor | null): SQL {
  return after ? sql`and (${key}, m.id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
}

/** Where the next page starts: after this page's last row, or null when the page was not full (done). */
export function nextTimeCursor(rows: { id: string; cursor_at: string }[], limit: number): TimeCursor | null {
  const last = rows.at(-1);
  return rows.length < limit || !last ? null : { at: last.cursor_at, id: last.id };
}
