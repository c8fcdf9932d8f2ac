import { z } from "zod";
import type { Sql } from "./db";
import { iso, json, timeMs } from "./values";

// Synced apps and their function configs (stored raw; the executor re-derives its view on load).

export type AppRecord = { id: string; url: string; syncKind: string; sdk: string | null; syncedAt: number };

export async function upsertApp(sql: Sql, app: Omit<AppRecord, "syncedAt">, nowMs: number): Promise<void> {
  await sql.query(
    `INSERT INTO apps (id, url, sync_kind, sdk, synced_at) VALUES ($1, $2, $3, $4, $5::timestamptz)
     ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, sync_kind = EXCLUDED.sync_kind, sdk = EXCLUDED.sdk,
       synced_at = EXCLUDED.synced_at`,
    [app.id, app.url, app.syncKind, app.sdk, iso(nowMs)],
  );
}

export async function listApps(sql: Sql): Promise<AppRecord[]> {
  const rows = await sql.query(`SELECT * FROM apps ORDER BY id`);
  return rows.map((row) => {
    const r = z
      .object({ id: z.string(), url: z.string(), sync_kind: z.string(), sdk: z.string().nullable(), synced_at: timeMs })
      .parse(row);
    return { id: r.id, url: r.url, syncKind: r.sync_kind, sdk: r.sdk, syncedAt: r.synced_at };
  });
}

export type StoredFunction = { id: string; appId: string; config: unknown };

/** Replaces the app's function set: functions the app no longer serves are removed. */
export async function replaceAppFunctions(
  sql: Sql,
  appId: string,
  functions: { id: string; name: string; config: unknown; unsupported: unknown }[],
  nowMs: number,
): Promise<string[]> {
  const existing = await sql.query(`SELECT id FROM functions WHERE app_id = $1`, [appId]);
  const keep = new Set(functions.map((fn) => fn.id));
  const removed: string[] = [];
  for (const row of existing) {
    const id = z.string().parse(row.id);
    if (!keep.has(id)) {
      await sql.query(`DELETE FROM functions WHERE id = $1`, [id]);
      removed.push(id);
    }
  }
  for (const fn of functions) {
    await sql.query(
      `INSERT INTO functions (id, app_id, name, config, unsupported, updated_at)
       VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, $6::timestamptz)
       ON CONFLICT (id) DO UPDATE SET app_id = EXCLUDED.app_id, name = EXCLUDED.name, config = EXCLUDED.config,
         unsupported = EXCLUDED.unsupported, updated_at = EXCLUDED.updated_at`,
      [fn.id, appId, fn.name, json(fn.config), json(fn.unsupported), iso(nowMs)],
    );
  }
  return removed;
}

export async function listStoredFunctions(sql: Sql): Promise<StoredFunction[]> {
  const rows = await sql.query(`SELECT id, app_id, config FROM functions ORDER BY id`);
  return rows.map((row) => {
    const r = z.object({ id: z.string(), app_id: z.string(), config: z.unknown() }).parse(row);
    return { id: r.id, appId: r.app_id, config: r.config };
  });
}

export async function readMeta(sql: Sql, key: string): Promise<unknown> {
  const rows = await sql.query(`SELECT value FROM meta WHERE key = $1`, [key]);
  return rows[0]?.value;
}

export async function writeMeta(sql: Sql, key: string, value: unknown): Promise<void> {
  await sql.query(
    `INSERT INTO meta (key, value) VALUES ($1, $2::text::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [key, json(value)],
  );
}
