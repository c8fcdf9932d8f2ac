import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { preparePrivateDir } from "../../../common/private-dir";
import { lockDataDir } from "./dir-lock";
import { SCHEMA_DDL, SCHEMA_VERSION } from "./schema";

/**
 * The one SQL surface the executor uses, implemented by PGlite and by postgres.js.
 * Every statement is plain PostgreSQL with `$n` parameters and unqualified table names:
 * the connection's search_path points at the executor's own schema, so the same text runs on both.
 */
export type SqlParam = string | number | boolean | null;
export type Row = Record<string, unknown>;

export interface Sql {
  query(text: string, params?: readonly SqlParam[]): Promise<Row[]>;
}

export interface Database extends Sql {
  readonly kind: "pglite" | "postgres";
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const DEFAULT_SCHEMA = "inngest_executor";

export type DatabaseOptions = { databaseUrl?: string; dataDir: string; schema?: string };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  const db = options.databaseUrl ? openPostgres(options.databaseUrl, schema) : await openPglite(options.dataDir, schema);
  try {
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    for (const statement of SCHEMA_DDL) await db.query(statement);
    await checkSchemaVersion(db, options.databaseUrl ? `schema ${schema}` : options.dataDir);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** The DDL only creates what is missing; state written by another layout must not be misread. */
async function checkSchemaVersion(db: Database, where: string): Promise<void> {
  await db.query(`INSERT INTO meta (key, value) VALUES ('schema_version', $1::text::jsonb) ON CONFLICT (key) DO NOTHING`, [
    JSON.stringify(SCHEMA_VERSION),
  ]);
  const rows = await db.query(`SELECT value FROM meta WHERE key = 'schema_version'`);
  const found = rows[0]?.value;
  if (found !== SCHEMA_VERSION) {
    throw new Error(`executor state in ${where} has schema version ${String(found)}, expected ${SCHEMA_VERSION}; delete it to start afresh`);
  }
}

async function openPglite(dataDir: string, schema: string): Promise<Database> {
  preparePrivateDir(dataDir); // events and step results: owner only
  const unlock = lockDataDir(dataDir);
  let pg: PGlite;
  try {
    pg = await PGlite.create(dataDir);
  } catch (error) {
    unlock();
    throw error;
  }
  // PGlite is a single connection, so setting the search_path once covers every later query.
  await pg.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
  return {
    kind: "pglite",
    async query(text, params = []) {
      const result = await pg.query<Row>(text, [...params]);
      return result.rows;
    },
    transaction(work) {
      return pg.transaction((tx) =>
        work({
          async query(text, params = []) {
            const result = await tx.query<Row>(text, [...params]);
            return result.rows;
          },
        }),
      );
    },
    async close() {
      await pg.close();
      unlock();
    },
  };
}

/**
 * Statements with parameters are prepared once per connection: the executor runs a few dozen
 * statement shapes over and over, and parsing and planning each anew was most of PostgreSQL's work.
 */
const prepared = (params: readonly SqlParam[]) => (params.length > 0 ? { prepare: true } : {});

function openPostgres(databaseUrl: string, schema: string): Database {
  const sql = postgres(databaseUrl, {
    max: 8,
    onnotice: () => {},
    // A startup parameter, so every pooled connection (and every transaction) resolves our tables.
    connection: { search_path: schema, application_name: "inngest-executor" },
  });
  return {
    kind: "postgres",
    async query(text, params = []) {
      return [...(await sql.unsafe<Row[]>(text, [...params], prepared(params)))];
    },
    async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
      const result = await sql.begin((tx) =>
        work({
          async query(text, params = []) {
            return [...(await tx.unsafe<Row[]>(text, [...params], prepared(params)))];
          },
        }),
      );
      // postgres.js types the result as UnwrapPromiseArray<T>, which is T for our callbacks.
      return result as T;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}
