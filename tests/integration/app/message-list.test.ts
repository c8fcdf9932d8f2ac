import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessages } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { createMessage, createUser } from "../../helpers/factories";
import { everyPage } from "../../helpers/pages";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

/** messages.list and preferences.get run as prepared statements; these pin what they answer. */
describe.each(testDatabases())("signed-in reads on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let dana: SessionUser;
  beforeAll(async () => {
    handle = await database.open();
    const row = await createUser(handle.db, { name: "Dana" });
    dana = { id: row.id, email: row.email, name: row.name, role: "user" };
    const other = await createUser(handle.db, { name: "Eli" });
    for (const [i, minute] of [10, 20, 30].entries()) {
      await createMessage(handle.db, dana.id, { body: `Dana ${i + 1}`, createdAt: new Date(Date.UTC(2030, 0, 1, 9, minute)) });
    }
    await createMessage(handle.db, other.id, { body: "Eli 1", createdAt: new Date(Date.UTC(2030, 0, 1, 9, 25)) });
  });
  afterAll(() => handle?.drop());

  it("lists the user's own messages newest first, as many as asked, and pages back from the cursor", async () => {
    const asDana = callerFor(handle.db, dana);
    const first = await asDana.messages.list({ limit: 2 });
    expect(first.items.map((m) => m.body)).toEqual(["Dana 3", "Dana 2"]);
    // A row's time is ISO text in UTC to the millisecond (one Date per row cost the hot read dearly).
    expect(first.items[0]!.createdAt).toBe("2030-01-01T09:30:00.000Z");
    // A history row carries what the row shows; the timeline (messages.get) carries the rest.
    expect(Object.keys(first.items[0]!).sort()).toEqual(["body", "createdAt", "digestSize", "id", "reason", "status"]);
    expect(first.nextCursor).toEqual({ createdAt: new Date(first.items[1]!.createdAt), id: first.items[1]!.id });
    const older = await asDana.messages.list({ limit: 2, cursor: first.nextCursor });
    expect(older.items.map((m) => m.body)).toEqual(["Dana 1"]);
    expect(older.nextCursor).toBeNull();
    expect((await asDana.messages.list({ limit: 25 })).items.map((m) => m.body)).toEqual(["Dana 3", "Dana 2", "Dana 1"]);
  });

  it("pages through texts created in one statement (a cron's batch) without skipping any", async () => {
    const row = await createUser(handle.db, { name: "Fay" });
    const fay: SessionUser = { id: row.id, email: row.email, name: row.name, role: "user" };
    // One multi-row insert: every row gets the statement's now().
    const batch = await handle.db
      .insert(smsMessages)
      .values(Array.from({ length: 5 }, (_, i) => ({ userId: fay.id, to: "+15555550100", body: `Fay ${i}`, category: "daily_brief" as const, dedupeKey: `batch-history:${fay.id}:${i}` })))
      .returning({ id: smsMessages.id });
    const asFay = callerFor(handle.db, fay);
    const seen = (await everyPage(asFay.messages.list, { limit: 2 })).flat().map((m) => m.id);
    expect(seen).toEqual(batch.map((m) => m.id).sort().reverse());
  });

  it("creates a user's preferences on first read and reads the same row after", async () => {
    const asDana = callerFor(handle.db, dana);
    const created = await asDana.preferences.get();
    expect(created.userId).toBe(dana.id);
    expect(await asDana.preferences.get()).toEqual(created);
  });
});
