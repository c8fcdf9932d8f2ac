import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { userSmsPreferences } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { createMessage, createUser } from "../../helpers/factories";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
  return "OK";
}

describe.each(testDatabases())("authorization on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let alice: SessionUser;
  let bob: SessionUser;
  let admin: SessionUser;
  let bobMessageId: string;

  beforeAll(async () => {
    handle = await database.open();
    const a = await createUser(handle.db, { name: "Alice" });
    const b = await createUser(handle.db, { name: "Bob" });
    const c = await createUser(handle.db, { name: "Root", role: "admin" });
    alice = { id: a.id, email: a.email, name: a.name, role: "user" };
    bob = { id: b.id, email: b.email, name: b.name, role: "user" };
    admin = { id: c.id, email: c.email, name: c.name, role: "admin" };
    bobMessageId = (await createMessage(handle.db, bob.id, { body: "Bob's secret reminder" })).id;
  });
  afterAll(() => handle?.drop());

  it("answers UNAUTHORIZED to anonymous callers of protected procedures", async () => {
    const anonymous = callerFor(handle.db, null);
    expect(await codeOf(anonymous.preferences.get())).toBe("UNAUTHORIZED");
    expect(await codeOf(anonymous.messages.list({ limit: 10 }))).toBe("UNAUTHORIZED");
    expect(await codeOf(anonymous.admin.users())).toBe("UNAUTHORIZED");
  });

  it("answers FORBIDDEN (not UNAUTHORIZED) to a signed-in non-admin on admin procedures", async () => {
    const asAlice = callerFor(handle.db, alice);
    expect(await codeOf(asAlice.admin.users())).toBe("FORBIDDEN");
    expect(await codeOf(asAlice.admin.templates.list())).toBe("FORBIDDEN");
    const users = await callerFor(handle.db, admin).admin.users();
    expect(users.items.map((u) => u.id)).toEqual(expect.arrayContaining([alice.id, bob.id, admin.id]));
  });

  it("never shows user A another user's messages (IDOR)", async () => {
    const asAlice = callerFor(handle.db, alice);
    expect(await asAlice.messages.list({ limit: 100 })).toEqual({ items: [], nextCursor: null });
    expect(await codeOf(asAlice.messages.get({ id: bobMessageId }))).toBe("NOT_FOUND");
    const asBob = callerFor(handle.db, bob);
    const own = await asBob.messages.get({ id: bobMessageId });
    expect(own.body).toBe("Bob's secret reminder");
  });

  it("never lets user A read or change user B's preferences (IDOR)", async () => {
    const asAlice = callerFor(handle.db, alice);
    const asBob = callerFor(handle.db, bob);
    const bobBefore = await asBob.preferences.get();
    // No procedure takes a user id; smuggling one in is rejected, not honoured.
    const smuggled = asAlice.preferences.update({ dailyCap: 3, userId: bob.id } as never);
    expect(await codeOf(smuggled)).toBe("BAD_REQUEST");
    const aliceUpdated = await asAlice.preferences.update({ dailyCap: 3 });
    expect(aliceUpdated.userId).toBe(alice.id);
    expect((await asBob.preferences.get()).dailyCap).toBe(bobBefore.dailyCap);
    expect((await asAlice.preferences.get()).dailyCap).toBe(3);
  });

  it("rejects bad preferences with field errors and changes nothing", async () => {
    const asAlice = callerFor(handle.db, alice);
    const before = await asAlice.preferences.get();
    for (const bad of [
      { timeZone: "Mars/Olympus" },
      { quietHoursStart: "25:00" },
      { dailyCap: 0 },
      { quietHoursStart: "22:00", quietHoursEnd: "22:00" },
    ]) {
      expect(await codeOf(asAlice.preferences.update(bad)), JSON.stringify(bad)).toBe("BAD_REQUEST");
    }
    const [row] = await handle.db.select().from(userSmsPreferences).where(eq(userSmsPreferences.userId, alice.id));
    expect(row?.timeZone).toBe(before.timeZone);
    expect(row?.quietHoursStart).toBe(before.quietHoursStart);
    expect(row?.dailyCap).toBe(before.dailyCap);
  });

  it("scopes tasks to their owner", async () => {
    const asAlice = callerFor(handle.db, alice);
    const asBob = callerFor(handle.db, bob);
    const task = await asBob.tasks.create({ title: "Bob's task" });
    expect(await codeOf(asAlice.tasks.complete({ id: task.id }))).toBe("NOT_FOUND");
    expect((await asAlice.tasks.list({})).items.map((t) => t.id)).not.toContain(task.id);
    const done = await asBob.tasks.complete({ id: task.id });
    expect(done.completedAt).toBeInstanceOf(Date);
    // Reopening is the owner's too, and only of a completed task.
    expect(await codeOf(asAlice.tasks.reopen({ id: task.id }))).toBe("NOT_FOUND");
    expect((await asBob.tasks.reopen({ id: task.id })).completedAt).toBeNull();
    expect(await codeOf(asBob.tasks.reopen({ id: task.id }))).toBe("NOT_FOUND");
  });
});
