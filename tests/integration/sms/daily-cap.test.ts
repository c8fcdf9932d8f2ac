import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsDailyCounters } from "@/db/schema";
import { releaseDailySlot, reserveDailySlot } from "@/server/sms/daily-cap";
import { createUser } from "../../helpers/factories";
import { testDatabases } from "../../helpers/test-db";

const NOON_UTC = new Date("2025-06-15T12:00:00Z"); // 05:00 on the 15th in Los Angeles, 00:00 on the 16th in Auckland
const LA = "America/Los_Angeles";

describe.each(testDatabases())("daily cap on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };

  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(async () => {
    await handle?.drop();
  });

  async function storedCount(userId: string, localDate: string) {
    const [row] = await handle.db
      .select({ count: smsDailyCounters.count })
      .from(smsDailyCounters)
      .where(and(eq(smsDailyCounters.userId, userId), eq(smsDailyCounters.localDate, localDate)));
    return row?.count ?? null;
  }

  it("the cap-th reservation succeeds and the next one is refused", async () => {
    const user = await createUser(handle.db);
    const reserve = () => reserveDailySlot(handle.db, { userId: user.id, timeZone: LA, cap: 3, at: NOON_UTC });
    expect(await reserve()).toEqual({ reserved: true, localDate: "2025-06-15", count: 1 });
    expect(await reserve()).toEqual({ reserved: true, localDate: "2025-06-15", count: 2 });
    expect(await reserve()).toEqual({ reserved: true, localDate: "2025-06-15", count: 3 });
    expect(await reserve()).toEqual({ reserved: false, localDate: "2025-06-15", count: 3 });
    expect(await reserve()).toEqual({ reserved: false, localDate: "2025-06-15", count: 3 });
    expect(await storedCount(user.id, "2025-06-15")).toBe(3);
  });

  it("20 concurrent reservations with a cap of 5 reserve exactly 5", async () => {
    const user = await createUser(handle.db);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => reserveDailySlot(handle.db, { userId: user.id, timeZone: LA, cap: 5, at: NOON_UTC })),
    );
    const reserved = results.filter((r) => r.reserved);
    expect(reserved).toHaveLength(5);
    expect(reserved.map((r) => r.count).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await storedCount(user.id, "2025-06-15")).toBe(5);
  });

  it("a new local date is a new counter: the same instant in two zones, and midnight in one", async () => {
    const user = await createUser(handle.db);
    const laDay = await reserveDailySlot(handle.db, { userId: user.id, timeZone: LA, cap: 1, at: NOON_UTC });
    expect(laDay).toEqual({ reserved: true, localDate: "2025-06-15", count: 1 });
    expect((await reserveDailySlot(handle.db, { userId: user.id, timeZone: LA, cap: 1, at: NOON_UTC })).reserved).toBe(false);
    // The user moves to Auckland: at that same instant it is already the 16th there.
    const aucklandDay = await reserveDailySlot(handle.db, { userId: user.id, timeZone: "Pacific/Auckland", cap: 1, at: NOON_UTC });
    expect(aucklandDay).toEqual({ reserved: true, localDate: "2025-06-16", count: 1 });

    // In Los Angeles, 23:59 on the 16th is still the 16th; one minute later is a new day (PDT, -07:00).
    const other = await createUser(handle.db);
    const at = (iso: string) => reserveDailySlot(handle.db, { userId: other.id, timeZone: LA, cap: 1, at: new Date(iso) });
    expect(await at("2025-06-17T06:59:00Z")).toEqual({ reserved: true, localDate: "2025-06-16", count: 1 });
    expect(await at("2025-06-17T06:59:59Z")).toEqual({ reserved: false, localDate: "2025-06-16", count: 1 });
    expect(await at("2025-06-17T07:00:00Z")).toEqual({ reserved: true, localDate: "2025-06-17", count: 1 });
  });

  it("a release gives the slot back, and never takes the count below zero", async () => {
    const user = await createUser(handle.db);
    const reserve = () => reserveDailySlot(handle.db, { userId: user.id, timeZone: LA, cap: 2, at: NOON_UTC });
    await reserve();
    const second = await reserve();
    expect((await reserve()).reserved).toBe(false);
    await releaseDailySlot(handle.db, { userId: user.id, localDate: second.localDate });
    expect(await storedCount(user.id, "2025-06-15")).toBe(1);
    expect(await reserve()).toEqual({ reserved: true, localDate: "2025-06-15", count: 2 });

    for (let i = 0; i < 3; i++) await releaseDailySlot(handle.db, { userId: user.id, localDate: "2025-06-15" });
    expect(await storedCount(user.id, "2025-06-15")).toBe(0);
    await releaseDailySlot(handle.db, { userId: user.id, localDate: "2025-06-14" }); // no row: nothing to do
    expect(await storedCount(user.id, "2025-06-14")).toBeNull();
  });

  it("a text that may not be refused always reserves, counts, and still uses up the day", async () => {
    const user = await createUser(handle.db);
    const reserve = (refusable: boolean) =>
      reserveDailySlot(handle.db, { userId: user.id, timeZone: LA, cap: 1, at: NOON_UTC, refusable });
    expect(await reserve(true)).toMatchObject({ reserved: true, count: 1 });
    expect(await reserve(false)).toMatchObject({ reserved: true, count: 2 }); // urgent: over the cap, still goes
    expect(await reserve(true)).toMatchObject({ reserved: false, count: 2 });
  });

  it("a cap of zero refuses even the first text of the day", async () => {
    const user = await createUser(handle.db);
    expect(await reserveDailySlot(handle.db, { userId: user.id, timeZone: LA, cap: 0, at: NOON_UTC })).toEqual({
      reserved: false,
      localDate: "2025-06-15",
      count: 0,
    });
    expect(await storedCount(user.id, "2025-06-15")).toBeNull();
  });
});
