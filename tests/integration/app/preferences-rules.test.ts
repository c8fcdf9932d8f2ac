import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { userSmsPreferences } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { createUser } from "../../helpers/factories";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

describe.each(testDatabases())("preference rules on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let user: SessionUser;

  beforeAll(async () => {
    handle = await database.open();
    const row = await createUser(handle.db);
    user = { id: row.id, email: row.email, name: row.name, role: "user" };
  });
  afterAll(() => handle?.drop());

  const stored = async () => (await handle.db.select().from(userSmsPreferences).where(eq(userSmsPreferences.userId, user.id)))[0]!;

  it("refuses quiet hours that would end when they start, judged against the stored start", async () => {
    const caller = callerFor(handle.db, user);
    await caller.preferences.update({ quietHoursStart: "21:00", quietHoursEnd: "07:00", dailyCap: 4 });
    const before = await stored();
    // Only the end is sent: the check needs the stored start, so it can only live in the service.
    const error = await caller.preferences.update({ quietHoursEnd: "21:00", dailyCap: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toBe("Quiet hours end must differ from quiet hours start");
    const after = await stored();
    expect(after.quietHoursEnd).toBe("07:00");
    expect(after.dailyCap).toBe(before.dailyCap);
    expect(after.updatedAt).toEqual(before.updatedAt);
  });

  it("stores time zones under their current IANA names (never legacy aliases), whatever the case typed", async () => {
    const caller = callerFor(handle.db, user);
    for (const [typed, canonical] of [
      ["america/new_york", "America/New_York"],
      ["utc", "Etc/UTC"],
      ["Asia/Calcutta", "Asia/Kolkata"],
      ["EUROPE/BERLIN", "Europe/Berlin"],
      ["US/Eastern", "America/New_York"],
    ]) {
      const updated = await caller.preferences.update({ timeZone: typed });
      expect(updated.timeZone, typed).toBe(canonical);
      expect((await stored()).timeZone).toBe(canonical);
    }
  });
});
