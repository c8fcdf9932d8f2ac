import { execFileSync } from "node:child_process";
import postgres from "postgres";

/** The PostgreSQL server a bench uses: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else Debian's (started here). */
export function benchServerUrl(): string {
  const configured = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (configured) return configured;
  return execFileSync("bash", ["scripts/start-postgres.sh", "buildos_test"], { encoding: "utf8" }).trim();
}

/**
 * Drops and creates database `name` on the bench server; returns its URL. With `reuse`, a
 * database a previous run left is kept (bench:dashboard's 1,000,000 seeded rows take minutes).
 */
export async function freshDatabase(name: string, { reuse = false } = {}): Promise<string> {
  const url = benchServerUrl();
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
  if (!reuse || !exists) {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
  }
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}
