import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows, type DbHandle } from "@/db/client";
import type { SessionUser } from "@/server/auth/auth";
import { appRouter } from "@/server/trpc/root";
import { createUser } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

/** Every admin procedure path, read from the router itself: a new one is covered without editing this file. */
const adminPaths = Object.keys(appRouter._def.procedures).filter((path) => path.startsWith("admin."));

type Callable = (input?: unknown) => Promise<unknown>;
function procedureAt(caller: unknown, path: string): Callable {
  return path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as Callable;
}

async function codeOf(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
  return "OK";
}

/** Row counts of every table, to show a refused call changed nothing. */
async function tableCounts(handle: DbHandle) {
  const tables = await executeRows<{ name: string }>(
    handle.db,
    sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await executeRows<{ n: number | string }>(handle.db, sql.raw(`select count(*) as n from "${name}"`));
    counts[name] = Number(row?.n);
  }
  return counts;
}

describe.each(testDatabases())("admin procedures on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let alice: SessionUser;

  beforeAll(async () => {
    handle = await database.open();
    const a = await createUser(handle.db, { name: "Alice" });
    alice = { id: a.id, email: a.email, name: a.name, role: "user" };
  });
  afterAll(() => handle?.drop());

  it("exist (the enumeration found them)", () => {
    expect(adminPaths.length).toBeGreaterThanOrEqual(6);
    expect(adminPaths).toEqual(expect.arrayContaining(["admin.users", "admin.templates.save"]));
  });

  it.each(adminPaths)("%s: FORBIDDEN for a signed-in non-admin, UNAUTHORIZED without a session, nothing changed", async (path) => {
    const before = await tableCounts(handle);
    const jobs = recordingJobs();
    const input = { id: "00000000-0000-4000-8000-000000000000", active: false };
    expect(await codeOf(() => procedureAt(callerFor(handle.db, alice, jobs), path)(input))).toBe("FORBIDDEN");
    expect(await codeOf(() => procedureAt(callerFor(handle.db, null, jobs), path)(input))).toBe("UNAUTHORIZED");
    expect(await tableCounts(handle)).toEqual(before);
    expect(jobs.sent).toEqual([]);
  });
});
