import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { tasks } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { createUser } from "../../helpers/factories";
import { everyPage } from "../../helpers/pages";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

describe.each(testDatabases())("tasks list pagination on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let user: SessionUser;

  beforeAll(async () => {
    handle = await database.open();
    const row = await createUser(handle.db);
    user = { id: row.id, email: row.email, name: row.name, role: "user" };
    // 230 tasks (more than the old silent cut-off of 200): open and completed, with and
    // without due dates, many sharing a due date and a creation time to the microsecond.
    const sameInstant = new Date("2030-01-01T09:00:00.123Z");
    const created = new Date("2026-01-01T00:00:00.000Z");
    await handle.db.insert(tasks).values(
      Array.from({ length: 230 }, (_, i) => ({
        userId: user.id,
        title: `task ${i}`,
        dueAt: i % 3 === 0 ? null : i % 3 === 1 ? sameInstant : new Date(sameInstant.getTime() + i * 60_000),
        completedAt: i % 5 === 0 ? new Date() : null,
        createdAt: i % 2 === 0 ? created : new Date(created.getTime() + i),
      })),
    );
  });
  afterAll(() => handle?.drop());

  it("walks every task exactly once, in list order, page by page", async () => {
    const caller = callerFor(handle.db, user);
    // As the UI's infinite query sends it (tRPC adds the direction).
    const pages = await everyPage(caller.tasks.list, { limit: 17, direction: "forward" });
    const seen = pages.flat().map((t) => t.title);
    expect(seen).toHaveLength(230);
    expect(new Set(seen).size).toBe(230);
    expect(pages.length).toBe(Math.ceil(230 / 17));

    const all = await handle.db.select().from(tasks);
    const byTitle = new Map(all.map((t) => [t.title, t]));
    const ordered = seen.map((title) => byTitle.get(title)!);
    // Open before completed; within each, due dates ascending with undated last.
    const firstCompleted = ordered.findIndex((t) => t.completedAt !== null);
    expect(ordered.slice(firstCompleted).every((t) => t.completedAt !== null)).toBe(true);
    const open = ordered.slice(0, firstCompleted);
    const due = open.map((t) => (t.dueAt ? t.dueAt.getTime() : Infinity));
    expect(due).toEqual([...due].sort((a, b) => a - b));
  });

  it("says there is no next page on the last one", async () => {
    const page = await callerFor(handle.db, user).tasks.list({ limit: 100 });
    expect(page.items).toHaveLength(100);
    expect(page.nextCursor).not.toBeNull();
    const all = await callerFor(handle.db, user).tasks.list({ limit: 100, cursor: null });
    expect(all.items.map((t) => t.id)).toEqual(page.items.map((t) => t.id));
  });
});
