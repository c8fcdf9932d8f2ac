import { z } from "zod";
import { storedEventSchema, type StoredEvent } from "../protocol";
import type { Sql } from "./db";
import { int, iso, json, timeMs } from "./values";

/** Stores an event under its internal id. False when that id was already stored (a retried send). */
export async function insertEvent(sql: Sql, internalId: string, event: StoredEvent, nowMs: number): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO events (id, name, body, received_at) VALUES ($1, $2, $3::text::jsonb, $4::timestamptz)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [internalId, event.name, json(event), iso(nowMs)],
  );
  return rows.length > 0;
}

/**
 * Claims a user-set event id for the dedupe window. Returns the internal id of the earlier event
 * when the key is already taken (the new event is then a duplicate), else null.
 */
export async function claimEventDedupeKey(
  sql: Sql,
  key: string,
  internalId: string,
  nowMs: number,
  windowMs: number,
): Promise<string | null> {
  // One statement, so two concurrent sends with the same id cannot both win.
  const claimed = await sql.query(
    `INSERT INTO event_dedupe (key, event_id, expires_at) VALUES ($1, $2, $3::timestamptz)
     ON CONFLICT (key) DO UPDATE SET event_id = EXCLUDED.event_id, expires_at = EXCLUDED.expires_at
       WHERE event_dedupe.expires_at <= $4::timestamptz
     RETURNING event_id`,
    [key, internalId, iso(nowMs + windowMs), iso(nowMs)],
  );
  if (claimed.length > 0) return null;
  const existing = await sql.query(`SELECT event_id FROM event_dedupe WHERE key = $1`, [key]);
  return z.object({ event_id: z.string() }).parse(existing[0]).event_id;
}

const eventRowSchema = z.object({
  seq: int,
  id: z.string(),
  name: z.string(),
  body: storedEventSchema,
  received_at: timeMs,
});

export type EventRecord = { internalId: string; seq: number; event: StoredEvent; receivedAt: number };

export async function listEvents(sql: Sql, filter: { name?: string; limit: number }): Promise<EventRecord[]> {
  const rows = await sql.query(
    `SELECT * FROM events WHERE ($1::text IS NULL OR name = $1) ORDER BY seq DESC LIMIT $2`,
    [filter.name ?? null, filter.limit],
  );
  return rows.map((row) => {
    const r = eventRowSchema.parse(row);
    return { internalId: r.id, seq: r.seq, event: r.body, receivedAt: r.received_at };
  });
}
