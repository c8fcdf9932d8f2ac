import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inArray } from "drizzle-orm";
import type { DbHandle } from "@/db/client";
import { userSmsPreferences, users } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { searchUsersForAdmin } from "@/server/users/admin-queries";
import { createMessage, createUser } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { everyPage } from "../../helpers/pages";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the call to fail");
}

const at = (iso: string) => new Date(iso);

describe.each(testDatabases())("admin users on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let admin: SessionUser;
  const asAdmin = () => callerFor(handle.db, admin);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    handle = await database.open();
    const root = await createUser(handle.db, { name: "Root", role: "admin", email: "root@ops.test", createdAt: at("2026-01-01T00:00:00Z") });
    admin = { id: root.id, email: root.email, name: root.name, role: "admin" };
    const people: [string, string, string][] = [
      ["dana", "dana.lee@site.test", "2026-02-01T00:00:00Z"],
      ["eli", "eli_100%@site.test", "2026-02-02T00:00:00Z"],
      ["fay", "fay@other.test", "2026-02-03T00:00:00Z"],
      ["gus", "gus@other.test", "2026-02-04T00:00:00Z"],
    ];
    for (const [label, email, created] of people) ids[label] = (await createUser(handle.db, { email, createdAt: at(created) })).id;
    await handle.db.insert(userSmsPreferences).values([
      { userId: ids.dana!, phone: "+15555550201", phoneVerifiedAt: at("2026-02-01T01:00:00Z") },
      { userId: ids.eli!, phone: "+15555550202", phoneVerifiedAt: at("2026-02-02T01:00:00Z"), optedOutAt: at("2026-03-02T00:00:00Z"), optOutSource: "keyword" },
      // Fay was sent a code but never verified it: no number to show, not found by it, and not textable.
      { userId: ids.fay!, phone: "+15555550203" },
    ]);
    // Dana: 2 texts sent this month (March), 1 skipped this month, 1 sent last month.
    await createMessage(handle.db, ids.dana!, { createdAt: at("2026-03-02T00:00:00Z"), sentAt: at("2026-03-02T00:00:01Z"), status: "delivered" });
    await createMessage(handle.db, ids.dana!, { createdAt: at("2026-03-03T00:00:00Z"), sentAt: at("2026-03-03T00:00:01Z"), status: "failed" });
    await createMessage(handle.db, ids.dana!, { createdAt: at("2026-03-03T00:00:00Z"), status: "skipped", skipReason: "daily_cap" });
    await createMessage(handle.db, ids.dana!, { createdAt: at("2026-02-27T00:00:00Z"), sentAt: at("2026-02-27T00:00:01Z"), status: "delivered" });
  });
  afterAll(() => handle?.drop());

  const adminCtx = () => ({ db: handle.db, actor: { type: "admin" as const, userId: admin.id }, jobs: recordingJobs() });
  const search = (input: Parameters<typeof searchUsersForAdmin>[1]) => searchUsersForAdmin(adminCtx(), input, at("2026-03-10T12:00:00Z"));

  it("lists users newest first with number, opt-out state and source, and texts sent this month", async () => {
    const { items, nextCursor } = await search({ textableOnly: false, limit: 25 });
    expect(nextCursor).toBeNull();
    expect(items.map((u) => u.id)).toEqual([ids.gus, ids.fay, ids.eli, ids.dana, admin.id]);
    expect(items.find((u) => u.id === ids.dana)).toMatchObject({ phone: "+15555550201", optedOutAt: null, textsThisMonth: 2 });
    expect(items.find((u) => u.id === ids.eli)).toMatchObject({ phone: "+15555550202", optOutSource: "keyword", optedOutAt: at("2026-03-02T00:00:00Z") });
    expect(items.find((u) => u.id === ids.fay)).toMatchObject({ phone: null, phoneVerifiedAt: null, textsThisMonth: 0 });
  });

  it("pages with a keyset cursor, each user once", async () => {
    const seen = (await everyPage(asAdmin().admin.users, { limit: 2 })).flat().map((u) => u.id);
    expect(seen).toEqual([ids.gus, ids.fay, ids.eli, ids.dana, admin.id]);
    // As the page's infinite query sends it (tRPC adds the cursor and the direction).
    expect((await asAdmin().admin.users({ cursor: null, direction: "forward", limit: 1 })).items.map((u) => u.id)).toEqual([ids.gus]);
  });

  it("pages through users created in one statement (one instant, to the microsecond before) without skipping any", async () => {
    const made = await handle.db
      .insert(users)
      .values(Array.from({ length: 4 }, (_, i) => ({ id: `bulk-${i}-${Date.now()}`, name: `Bulk ${i}`, email: `bulk${i}@bulk.test` })))
      .returning({ id: users.id, createdAt: users.createdAt });
    expect(new Set(made.map((u) => u.createdAt.getTime())).size).toBe(1);
    const seen = (await everyPage(asAdmin().admin.users, { search: "bulk.test", limit: 1 })).flat().map((u) => u.id);
    expect(seen).toEqual(made.map((u) => u.id).sort().reverse());
    await handle.db.delete(users).where(inArray(users.id, seen));
  });

  it("searches part of an email in any case (wildcards typed are literal), or a verified phone in any form", async () => {
    const emails = async (q: string) => (await asAdmin().admin.users({ search: q })).items.map((u) => u.email);
    expect(await emails("OTHER.test")).toEqual(["gus@other.test", "fay@other.test"]);
    expect(await emails("100%")).toEqual(["eli_100%@site.test"]);
    expect(await emails("_")).toEqual(["eli_100%@site.test"]);
    expect(await emails("(555) 555-0201")).toEqual(["dana.lee@site.test"]);
    expect(await emails("+1 555 555 0203")).toEqual([]); // sent a code, never verified
    expect(await errorOf(asAdmin().admin.users({ search: "12" }))).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("limits the test-send picker to users who can be texted", async () => {
    const { items } = await asAdmin().admin.users({ textableOnly: true });
    expect(items.map((u) => u.id)).toEqual([ids.dana]);
  });
});
