import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations, SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { preparePrivateDir } from "@/common/private-dir";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a service can run queries on: the database or an open transaction. */
export type DbOrTx = Db | Tx;

export type DbTarget = { kind: "postgres"; url: string; poolSize?: number } | { kind: "pglite"; dataDir: string };

export interface DbHandle {
  db: Db;
  target: DbTarget["kind"];
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * LISTENs on a channel: `onNotify` gets each payload, `onListen` runs each time the LISTEN is
   * (re)established — after a dropped connection, notifications sent meanwhile are lost, so a
   * listener treats it as "something may have changed". Resolves once listening; the result stops it.
   */
  listen(channel: string, onNotify: (payload: string) => void, onListen: () => void): Promise<() => Promise<void>>;
}

const migrationsFolder = path.join(process.cwd(), "db", "migrations");

export function openDb(target: DbTarget): DbHandle {
  if (target.kind === "postgres") {
    const client = postgres(target.url, { max: target.poolSize ?? 10, onnotice: () => {} });
    const db = drizzlePostgres({ client, schema, casing: "snake_case" });
    return {
      db,
      target: "postgres",
      migrate: () => migratePostgres(db, { migrationsFolder }),
      close: () => client.end({ timeout: 5 }),
      // postgres.js holds one dedicated connection for all LISTENs and re-LISTENs after reconnecting.
      listen: async (channel, onNotify, onListen) => {
        const { unlisten } = await client.listen(channel, onNotify, onListen);
        return unlisten;
      },
    };
  }
  // Session tokens, password hashes and phone numbers live here: owner only (0700, files 0600).
  if (target.dataDir !== "memory://") preparePrivateDir(target.dataDir);
  const client = new PGlite(target.dataDir);
  const db = drizzlePglite({ client, schema, casing: "snake_case" });
  return {
    db,
    target: "pglite",
    migrate: () => migratePglite(db, { migrationsFolder }),
    close: () => client.close(),
    // In-process: the LISTEN cannot drop, so it is established exactly once.
    listen: async (channel, onNotify, onListen) => {
      const unlisten = await client.listen(channel, onNotify);
      onListen();
      return unlisten;
    },
  };
}

/**
 * Rows of a raw `db.execute(sql)`: postgres.js returns an array, PGlite `{ rows }`.
 * (Numbers differ too: PGlite gives bigint columns as number, postgres.js as string.) Code in
 * `server/` that reads the rows parses them with `queryRows` (db/raw-rows.ts) instead of naming
 * a `T`; tests and scripts still cast.
 */
export async function executeRows<T extends Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * A drizzle query built once per database handle (or transaction) and run as a prepared
 * statement; per-call values go in as `sql.placeholder(...)`. Unprepared, drizzle builds the
 * SQL again on every call and postgres.js asks the server to describe its parameters first —
 * a second round trip (a one-row read took ~10× longer). For the hot reads of signed-in pages.
 */
export function preparedQuery<T>(build: (db: DbOrTx) => T): (db: DbOrTx) => T {
  const built = new WeakMap<DbOrTx, T>();
  return (db) => {
    let query = built.get(db);
    if (query === undefined) {
      query = build(db);
      built.set(db, query);
    }
    return query;
  };
}

/**
 * Runs a fixed SQL text with $n parameters as a prepared statement (postgres.js caches the
 * plan per connection; PGlite runs in-process). For hot paths only: it needs the database
 * itself, not a transaction, and parameters must be plain values (pass times as ISO strings).
 */
export async function preparedRows(db: Db, text: string, params: ReadonlyArray<string | number | boolean | null>): Promise<unknown[]> {
  // drizzle keeps the driver client on `$client`; the public Db type does not name it.
  const client = (db as unknown as { $client?: unknown }).$client;
  if (client instanceof PGlite) return (await client.query(text, [...params])).rows;
  if (typeof client === "function" && "unsafe" in client) {
    const sqlClient = client as postgres.Sql;
    return await sqlClient.unsafe(text, [...params], { prepare: true });
  }
  throw new Error("preparedRows needs the database handle (not a transaction)");
}
