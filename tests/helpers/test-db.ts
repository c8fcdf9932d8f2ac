import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDb, type DbHandle } from "@/db/client";

export interface TestDatabase {
  name: "pglite" | "postgres";
  open(): Promise<DbHandle & { drop(): Promise<void> }>;
}

/**
 * The databases every integration suite runs against: PGlite always, and PostgreSQL
 * when TEST_DATABASE_URL is set (each open gets a fresh database, dropped afterwards).
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [
    {
      name: "pglite",
      async open() {
        const handle = openDb({ kind: "pglite", dataDir: "memory://" });
        await handle.migrate();
        return { ...handle, drop: () => handle.close() };
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    list.push({
      name: "postgres",
      async open() {
        const dbName = `t_${randomBytes(6).toString("hex")}`;
        const admin = postgres(url, { max: 1, onnotice: () => {} });
        await admin.unsafe(`CREATE DATABASE ${dbName}`);
        const target = new URL(url);
        target.pathname = `/${dbName}`;
        const handle = openDb({ kind: "postgres", url: target.toString(), poolSize: 5 });
        await handle.migrate();
        return {
          ...handle,
          async drop() {
            await handle.close();
            await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
            await admin.end();
          },
        };
      },
    });
  }
  return list;
}

if (!process.env.TEST_DATABASE_URL) {
  console.warn("TEST_DATABASE_URL is not set: integration suites run on PGlite only (PostgreSQL leg not run).");
}
