import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessageEvents } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { createMessage, createUser } from "../../helpers/factories";
import { everyPage } from "../../helpers/pages";
import { preferencesOf } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const fieldErrors =
      error.cause && "issues" in error.cause
        ? Object.fromEntries((error.cause.issues as { path: string[]; message: string }[]).map((i) => [i.path.join("."), i.message]))
        : { [(error.cause as { field?: string }).field ?? ""]: error.message };
    return { code: error.code, fieldErrors };
  }
  throw new Error("expected the call to fail");
}

describe.each(testDatabases())("preferences, history and tasks on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };

  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  async function newUser(): Promise<SessionUser> {
    const u = await createUser(handle.db);
    return { id: u.id, email: u.email, name: u.name, role: "user" };
  }

  it("gives field errors named as the form labels them, and changes nothing", async () => {
    const user = await newUser();
    const caller = callerFor(handle.db, user);
    const before = await caller.preferences.get();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ timeZone: "Mars/Olympus" }, "timeZone", "Time zone must be one from the list, such as America/Chicago"],
      [{ timeZone: "EST5EDT" }, "timeZone", "Time zone must be one from the list, such as America/Chicago"],
      [{ quietHoursStart: "25:00" }, "quietHoursStart", "Quiet hours start must be a time such as 21:30"],
      [{ quietHoursEnd: "7pm" }, "quietHoursEnd", "Quiet hours end must be a time such as 21:30"],
      [{ quietHoursStart: "22:00", quietHoursEnd: "22:00" }, "quietHoursEnd", "Quiet hours end must differ from quiet hours start"],
      [{ quietHoursStart: before.quietHoursEnd }, "quietHoursEnd", "Quiet hours end must differ from quiet hours start"],
      [{ dailyCap: 0 }, "dailyCap", "Daily limit must be at least 1"],
      [{ dailyCap: 51 }, "dailyCap", "Daily limit can be at most 50"],
      [{ dailyCap: 2.5 }, "dailyCap", "Daily limit must be a whole number"],
      [{ dailyCap: Number.NaN }, "dailyCap", "Daily limit must be a number"],
      [{ dailyBriefTime: "8" }, "dailyBriefTime", "Daily brief time must be a time such as 21:30"],
    ];
    for (const [input, field, message] of cases) {
      const result = await failure(caller.preferences.update(input as never));
      expect(result.code, JSON.stringify(input)).toBe("BAD_REQUEST");
      expect(result.fieldErrors[field], JSON.stringify(input)).toBe(message);
    }
    expect(await preferencesOf(handle.db, user.id)).toEqual(before);
  });

  it("stores a time zone under its current IANA name and marks it chosen", async () => {
    const caller = callerFor(handle.db, await newUser());
    const updated = await caller.preferences.update({ timeZone: "asia/calcutta" });
    expect(updated.timeZone).toBe("Asia/Kolkata");
    expect(updated.timeZoneSetAt).toBeInstanceOf(Date);
    expect((await caller.preferences.update({ timeZone: "US/Eastern" })).timeZone).toBe("America/New_York");
  });

  it("adopts the browser's zone on the first visit only, never over a chosen one", async () => {
    const caller = callerFor(handle.db, await newUser());
    expect((await caller.preferences.get()).timeZoneSetAt).toBeNull();
    const adopted = await caller.preferences.adoptDetectedTimeZone({ timeZone: "Europe/Kiev" });
    expect(adopted.timeZone).toBe("Europe/Kyiv");
    expect((await caller.preferences.adoptDetectedTimeZone({ timeZone: "Asia/Tokyo" })).timeZone).toBe("Europe/Kyiv");

    const chooser = callerFor(handle.db, await newUser());
    await chooser.preferences.update({ timeZone: "America/Denver" });
    expect((await chooser.preferences.adoptDetectedTimeZone({ timeZone: "Asia/Tokyo" })).timeZone).toBe("America/Denver");
    expect((await failure(chooser.preferences.adoptDetectedTimeZone({ timeZone: "Nowhere/Else" }))).code).toBe("BAD_REQUEST");
  });

  it("keeps saved preferences", async () => {
    const caller = callerFor(handle.db, await newUser());
    await caller.preferences.update({
      taskReminders: false,
      dailyBrief: true,
      quietHoursEnabled: false,
      quietHoursStart: "23:15",
      quietHoursEnd: "06:45",
      timeZone: "Pacific/Auckland",
      dailyCap: 50,
      dailyBriefTime: "07:30",
    });
    expect(await caller.preferences.get()).toMatchObject({
      taskReminders: false,
      dailyBrief: true,
      quietHoursEnabled: false,
      quietHoursStart: "23:15",
      quietHoursEnd: "06:45",
      timeZone: "Pacific/Auckland",
      dailyCap: 50,
      dailyBriefTime: "07:30",
    });
  });

  it("pages the user's own history newest first, with reasons in plain words, and no one else's", async () => {
    const user = await newUser();
    const other = await newUser();
    await createMessage(handle.db, other.id, { body: "not yours" });
    // Several texts in the same millisecond: the id decides their order, and pages neither skip nor repeat.
    const sameMoment = new Date("2030-01-01T09:00:00.000Z");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createMessage(handle.db, user.id, { createdAt: sameMoment, body: `same ${i}` })).id);
    const skipped = await createMessage(handle.db, user.id, {
      createdAt: new Date("2030-01-01T10:00:00.000Z"),
      status: "skipped",
      skipReason: "daily_cap",
    });
    const failed = await createMessage(handle.db, user.id, {
      createdAt: new Date("2030-01-01T11:00:00.000Z"),
      status: "undelivered",
      errorCode: 30003,
    });
    const caller = callerFor(handle.db, user);

    const pages = await everyPage(caller.messages.list, { limit: 2 });
    const seen = pages.flat().map((m) => m.id);
    expect(pages.length).toBe(4);
    expect(seen).toEqual([failed.id, skipped.id, ...[...ids].sort().reverse()]);

    const first = await caller.messages.list({ limit: 2 });
    expect(first.items[0]).toMatchObject({ status: "undelivered", reason: "The phone was switched off or out of coverage, and the text could not be delivered." });
    expect(first.items[1]).toMatchObject({ status: "skipped", reason: "Your daily limit of texts was reached." });
    expect(first.items[0]).not.toHaveProperty("errorCode");

    await handle.db.insert(smsMessageEvents).values([
      { messageId: failed.id, status: "queued", source: "api", createdAt: new Date("2030-01-01T11:00:01.000Z") },
      { messageId: failed.id, status: "undelivered", source: "callback", errorCode: 30003, createdAt: new Date("2030-01-01T11:00:05.000Z") },
    ]);
    const detail = await caller.messages.get({ id: failed.id });
    expect(detail.events.map((e) => [e.status, e.source])).toEqual([
      ["queued", "api"],
      ["undelivered", "callback"],
    ]);
    expect((await failure(callerFor(handle.db, other).messages.get({ id: failed.id }))).code).toBe("NOT_FOUND");
    expect((await failure(caller.messages.list({ limit: 2, cursor: { createdAt: new Date(), id: "nope" } }))).code).toBe("BAD_REQUEST");
  });

  it("edits a task's title, due time and priority; refuses a past due time and other users' tasks", async () => {
    const owner = callerFor(handle.db, await newUser());
    const stranger = callerFor(handle.db, await newUser());
    const due = new Date(Date.now() + 3_600_000);
    const task = await owner.tasks.create({ title: "Draft", dueAt: due });

    const later = new Date(Date.now() + 7_200_000);
    const edited = await owner.tasks.update({ id: task.id, title: "Final draft", dueAt: later, priority: "urgent" });
    expect(edited).toMatchObject({ title: "Final draft", dueAt: later, priority: "urgent" });

    const past = await failure(owner.tasks.update({ id: task.id, dueAt: new Date(Date.now() - 60_000) }));
    expect(past).toEqual({ code: "BAD_REQUEST", fieldErrors: { dueAt: "Choose a due time in the future" } });
    expect((await failure(owner.tasks.create({ title: "Late", dueAt: new Date(Date.now() - 60_000) }))).fieldErrors).toEqual({
      dueAt: "Choose a due time in the future",
    });
    expect((await failure(owner.tasks.update({ id: task.id, title: "   " }))).fieldErrors.title).toBe("Give the task a title");
    expect((await failure(owner.tasks.update({ id: task.id }))).code).toBe("BAD_REQUEST");
    expect((await failure(stranger.tasks.update({ id: task.id, title: "Mine now" }))).code).toBe("NOT_FOUND");
    expect((await failure(owner.tasks.update({ id: task.id, userId: "x" } as never))).code).toBe("BAD_REQUEST");

    const cleared = await owner.tasks.update({ id: task.id, dueAt: null });
    expect(cleared).toMatchObject({ title: "Final draft", dueAt: null, priority: "urgent" });
  });
});
