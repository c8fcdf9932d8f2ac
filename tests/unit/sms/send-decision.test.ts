import { describe, expect, it } from "vitest";
import { CATEGORY_PREFERENCE, categoryEnabled, type SmsCategory } from "@/server/sms/categories";
import { decideSend, type DecisionInput } from "@/server/sms/send-decision";

const VERIFIED_AT = new Date("2025-01-10T15:00:00Z");
const NOON_NY = new Date("2025-01-16T17:00:00Z"); // 12:00 EST
const NIGHT_NY = new Date("2025-01-16T03:00:00Z"); // 22:00 EST (quiet 21:00–08:00 ends 13:00Z)

type Message = DecisionInput["message"];
type Preferences = NonNullable<DecisionInput["preferences"]>;

function input(overrides: { now?: Date; message?: Partial<Message>; preferences?: Partial<Preferences> | null } = {}): DecisionInput {
  const preferences: Preferences = {
    phone: "+15555550123",
    phoneVerifiedAt: VERIFIED_AT,
    optedOutAt: null,
    taskReminders: true,
    dailyBrief: true,
    urgentAlerts: true,
    quietHoursEnabled: true,
    quietHoursStart: "21:00",
    quietHoursEnd: "08:00",
    timeZone: "America/New_York",
  };
  return {
    now: overrides.now ?? NOON_NY,
    message: {
      category: "task_reminders",
      priority: "normal",
      to: "+15555550123",
      scheduledFor: null,
      phoneVerifiedAt: new Date(VERIFIED_AT), // a different Date object with the same time
      templateActive: true,
      ...overrides.message,
    },
    preferences: overrides.preferences === null ? null : { ...preferences, ...overrides.preferences },
  };
}

describe("decideSend", () => {
  it("sends a verified, wanted, due text outside quiet hours", () => {
    expect(decideSend(input())).toEqual({ action: "send" });
  });

  describe("opted out", () => {
    it("skips an opted-out user's text", () => {
      expect(decideSend(input({ preferences: { optedOutAt: new Date("2025-01-12T00:00:00Z") } }))).toEqual({
        action: "skip",
        reason: "opted_out",
      });
    });

    it("beats every other reason, and covers account and urgent texts too", () => {
      const everythingWrong = input({
        now: NIGHT_NY,
        message: { to: "+15555550999", templateActive: false, scheduledFor: new Date("2030-01-01T00:00:00Z"), category: "daily_brief" },
        preferences: { optedOutAt: new Date("2025-01-12T00:00:00Z"), dailyBrief: false },
      });
      expect(decideSend(everythingWrong)).toEqual({ action: "skip", reason: "opted_out" });
      for (const message of [{ category: "account" as const }, { priority: "urgent" as const }]) {
        expect(decideSend(input({ message, preferences: { optedOutAt: new Date() } }))).toEqual({ action: "skip", reason: "opted_out" });
      }
    });
  });

  describe("unverified", () => {
    it.each<[string, Parameters<typeof input>[0]]>([
      ["the user has no preferences", { preferences: null }],
      ["the user has no phone", { preferences: { phone: null, phoneVerifiedAt: null } }],
      ["the phone is not verified", { preferences: { phoneVerifiedAt: null } }],
      ["the user changed number since the text was requested", { preferences: { phone: "+15555550456" } }],
      ["the number was re-verified since (a new verification)", { preferences: { phoneVerifiedAt: new Date("2025-01-14T00:00:00Z") } }],
      ["the message snapshotted no verification", { message: { phoneVerifiedAt: null } }],
    ])("skips when %s", (_, overrides) => {
      expect(decideSend(input(overrides))).toEqual({ action: "skip", reason: "unverified" });
    });

    it("beats an inactive template and a category switched off, even for account texts", () => {
      const decision = decideSend(input({ message: { templateActive: false, category: "account" }, preferences: { phone: "+15555550456" } }));
      expect(decision).toEqual({ action: "skip", reason: "unverified" });
      expect(
        decideSend(input({ message: { templateActive: false }, preferences: { taskReminders: false, phoneVerifiedAt: null } })),
      ).toEqual({ action: "skip", reason: "unverified" });
    });
  });

  describe("template inactive", () => {
    it("skips a text whose template was switched off, and beats a category switched off", () => {
      expect(decideSend(input({ message: { templateActive: false } }))).toEqual({ action: "skip", reason: "template_inactive" });
      expect(decideSend(input({ message: { templateActive: false }, preferences: { taskReminders: false } }))).toEqual({
        action: "skip",
        reason: "template_inactive",
      });
    });
  });

  describe("category switched off", () => {
    const switchable = Object.entries(CATEGORY_PREFERENCE).filter(
      (entry): entry is [SmsCategory, NonNullable<(typeof CATEGORY_PREFERENCE)[SmsCategory]>] => entry[1] !== null,
    );

    it("maps each category to its own switch; account texts have none", () => {
      expect(CATEGORY_PREFERENCE).toEqual({
        task_reminders: "taskReminders",
        daily_brief: "dailyBrief",
        urgent_alerts: "urgentAlerts",
        account: null,
      });
    });

    it.each(switchable)("skips %s when %s is off, and only that switch matters", (category, key) => {
      expect(decideSend(input({ message: { category }, preferences: { [key]: false } }))).toEqual({
        action: "skip",
        reason: "category_off",
      });
      const othersOff = Object.fromEntries(switchable.filter(([, other]) => other !== key).map(([, other]) => [other, false]));
      expect(decideSend(input({ message: { category }, preferences: othersOff }))).toEqual({ action: "send" });
    });

    it("never switches account texts off", () => {
      const allOff = { taskReminders: false, dailyBrief: false, urgentAlerts: false };
      expect(decideSend(input({ message: { category: "account" }, preferences: allOff }))).toEqual({ action: "send" });
      expect(categoryEnabled("account", allOff)).toBe(true);
    });

    it("beats a schedule: a text nobody wants is dropped now, not after waiting", () => {
      const later = new Date("2025-01-20T00:00:00Z");
      expect(decideSend(input({ message: { scheduledFor: later }, preferences: { taskReminders: false } }))).toEqual({
        action: "skip",
        reason: "category_off",
      });
    });
  });

  describe("scheduled", () => {
    it("waits until a future scheduled time", () => {
      const later = new Date("2025-01-16T19:30:00Z");
      expect(decideSend(input({ message: { scheduledFor: later } }))).toEqual({ action: "wait", until: later, why: "scheduled" });
    });

    it("sends when the scheduled time is now or past", () => {
      expect(decideSend(input({ message: { scheduledFor: new Date(NOON_NY) } }))).toEqual({ action: "send" });
      expect(decideSend(input({ message: { scheduledFor: new Date("2025-01-16T16:00:00Z") } }))).toEqual({ action: "send" });
    });

    it("comes before quiet hours, which are checked again on waking", () => {
      const at2330 = new Date("2025-01-17T04:30:00Z"); // 23:30 EST, inside quiet hours
      const first = decideSend(input({ now: NIGHT_NY, message: { scheduledFor: at2330 } }));
      expect(first).toEqual({ action: "wait", until: at2330, why: "scheduled" });
      const onWaking = decideSend(input({ now: at2330, message: { scheduledFor: at2330 } }));
      expect(onWaking).toEqual({ action: "wait", until: new Date("2025-01-17T13:00:00Z"), why: "quiet_hours" });
    });
  });

  describe("quiet hours", () => {
    it("waits until the window ends, in the user's own zone", () => {
      expect(decideSend(input({ now: NIGHT_NY }))).toEqual({
        action: "wait",
        until: new Date("2025-01-16T13:00:00Z"),
        why: "quiet_hours",
      });
      // The same instant is 12:00 in Tokyo: no wait for a user there.
      expect(decideSend(input({ now: NIGHT_NY, preferences: { timeZone: "Asia/Tokyo" } }))).toEqual({ action: "send" });
    });

    it("does not wait when quiet hours are off", () => {
      expect(decideSend(input({ now: NIGHT_NY, preferences: { quietHoursEnabled: false } }))).toEqual({ action: "send" });
    });

    it("holds high, normal and low priority texts", () => {
      for (const priority of ["high", "normal", "low"] as const) {
        expect(decideSend(input({ now: NIGHT_NY, message: { priority } })).action).toBe("wait");
      }
    });

    it("lets urgent texts through (that is what they are for)", () => {
      expect(decideSend(input({ now: NIGHT_NY, message: { priority: "urgent", category: "urgent_alerts" } }))).toEqual({
        action: "send",
      });
      expect(decideSend(input({ now: NIGHT_NY, message: { priority: "urgent" } }))).toEqual({ action: "send" });
    });

    it("lets account texts through (the user just asked for them)", () => {
      expect(decideSend(input({ now: NIGHT_NY, message: { category: "account" } }))).toEqual({ action: "send" });
    });

    it("re-checks everything on waking: an opt-out or a switch-off during the wait wins", () => {
      const first = decideSend(input({ now: NIGHT_NY }));
      expect(first.action).toBe("wait");
      const wokeAt = first.action === "wait" ? first.until : NIGHT_NY;
      expect(decideSend(input({ now: wokeAt }))).toEqual({ action: "send" });
      expect(decideSend(input({ now: wokeAt, preferences: { optedOutAt: new Date("2025-01-16T05:00:00Z") } }))).toEqual({
        action: "skip",
        reason: "opted_out",
      });
      expect(decideSend(input({ now: wokeAt, preferences: { taskReminders: false } }))).toEqual({ action: "skip", reason: "category_off" });
    });
  });
});
