import { describe, expect, it } from "vitest";
import { readReply } from "@/server/sms/reply-actions/parse";
import { snoozeUntil } from "@/server/sms/reply-actions/act";

type Expected =
  | { keyword: "stop" | "start" | "help"; rule?: string }
  | { done: number | null }
  | { snooze: "default" | "tomorrow" | "unclear" | number; ref?: number }
  | "not an action";

/** Real phrasings people send back to a reminder, and what each must mean. */
const TABLE: [string, Expected][] = [
  // DONE and its variants
  ["DONE", { done: null }],
  ["done", { done: null }],
  ["Done!", { done: null }],
  [" done. ", { done: null }],
  ["Done 2", { done: 2 }],
  ["done2", { done: 2 }],
  ["DONE #3", { done: 3 }],
  ["done, 2", { done: 2 }],
  ["All done", { done: null }],
  ["I'm done", { done: null }],
  ["ok done thanks", { done: null }],
  ["Finished", { done: null }],
  ["completed!", { done: null }],
  ["Did it", { done: null }],
  ["done it 2", { done: 2 }],
  // SNOOZE and its variants
  ["SNOOZE", { snooze: "default" }],
  ["snooze", { snooze: "default" }],
  ["Snooze!", { snooze: "default" }],
  ["SNOOZE 30M", { snooze: 30 }],
  ["snooze 30 min", { snooze: 30 }],
  ["Snooze 1 hour", { snooze: 60 }],
  ["SNOOZE 2H", { snooze: 120 }],
  ["snooze for 2 hours", { snooze: 120 }],
  ["snooze an hour", { snooze: 60 }],
  ["Snooze half an hour", { snooze: 30 }],
  ["snooze 1h30", { snooze: 90 }],
  ["snooze 45", { snooze: 45 }],
  ["SNOOZE TOMORROW", { snooze: "tomorrow" }],
  ["snooze till tomorrow morning", { snooze: "tomorrow" }],
  ["Snooze 2", { snooze: "default", ref: 2 }],
  ["SNOOZE 2 2H", { snooze: 120, ref: 2 }],
  ["remind me later", { snooze: "default" }],
  ["Remind me in 20 minutes", { snooze: 20 }],
  ["remind me tomorrow", { snooze: "tomorrow" }],
  ["later", { snooze: "default" }],
  ["snooze whenever", { snooze: "unclear" }],
  // Carrier keywords keep their meaning and are never actions
  ["STOP", { keyword: "stop", rule: "keyword:STOP" }],
  ["cancel", { keyword: "stop", rule: "keyword:CANCEL" }],
  ["End", { keyword: "stop", rule: "keyword:END" }],
  ["QUIT", { keyword: "stop" }],
  ["revoke", { keyword: "stop" }],
  ["optout", { keyword: "stop" }],
  ["stopall", { keyword: "stop" }],
  ["unsubscribe", { keyword: "stop" }],
  ["START", { keyword: "start" }],
  ["yes", { keyword: "start" }],
  ["HELP", { keyword: "help" }],
  ["info", { keyword: "help" }],
  // Plain-language requests to stop are opt-outs (FCC 2025), recorded by rule
  ["stop texting me", { keyword: "stop", rule: "phrase:keyword_first" }],
  ["Please stop sending these", { keyword: "stop", rule: "phrase:keyword_first" }],
  ["unsubscribe please", { keyword: "stop", rule: "phrase:keyword_first" }],
  ["STOP please", { keyword: "stop", rule: "phrase:keyword_first" }],
  ["cancel snooze", { keyword: "stop", rule: "phrase:keyword_first" }],
  ["Can you stop texting me?", { keyword: "stop", rule: "phrase:stop_texting" }],
  ["don't text me anymore", { keyword: "stop", rule: "phrase:do_not_text" }],
  ["no more texts", { keyword: "stop", rule: "phrase:no_more" }],
  ["opt me out", { keyword: "stop", rule: "phrase:opt_out" }],
  ["remove me from this list", { keyword: "stop", rule: "phrase:remove_me" }],
  ["wrong number", { keyword: "stop", rule: "phrase:wrong_number" }],
  ["end texts", { keyword: "stop", rule: "phrase:end_texts" }],
  // Not an action (and not a keyword)
  ["not done", "not an action"],
  ["done?? what is this", "not an action"],
  ["Thanks!", "not an action"],
  ["ok", "not an action"],
  ["👍", "not an action"],
  ["end of day works", "not an action"],
  ["later today I will", "not an action"],
  ["", "not an action"],
  ["I'll do it soon", "not an action"],
];

describe("reply parsing", () => {
  it("covers at least 40 phrasings", () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(TABLE)("%j → %j", (body, expected) => {
    const read = readReply(body);
    if (expected === "not an action") {
      expect(read).toEqual({ keyword: "none", rule: "none", action: null });
    } else if ("keyword" in expected) {
      expect(read.keyword).toBe(expected.keyword);
      expect(read.action).toBeNull();
      if (expected.rule) expect(read.rule).toBe(expected.rule);
    } else if ("done" in expected) {
      expect(read).toEqual({ keyword: "none", rule: "action:done", action: { action: "done", ref: expected.done } });
    } else {
      const snoozeFor =
        typeof expected.snooze === "number" ? { kind: "minutes", minutes: expected.snooze } : { kind: expected.snooze };
      expect(read).toEqual({ keyword: "none", rule: "action:snooze", action: { action: "snooze", ref: expected.ref ?? null, for: snoozeFor } });
    }
  });
});

describe("snooze time", () => {
  const person = { snooze_minutes: 45, time_zone: "America/New_York", quiet_hours_enabled: true, quiet_hours_end: "07:30" };
  const now = new Date("2026-07-01T18:30:20Z"); // 14:30:20 in New York

  it("a bare SNOOZE takes the user's default, rounded up to the minute", () => {
    expect(snoozeUntil({ kind: "default" }, person, now)?.toISOString()).toBe("2026-07-01T19:16:00.000Z");
  });
  it("SNOOZE 2H is two hours on", () => {
    expect(snoozeUntil({ kind: "minutes", minutes: 120 }, person, now)?.toISOString()).toBe("2026-07-01T20:31:00.000Z");
  });
  it("TOMORROW is the next local morning when quiet hours end (08:00 without quiet hours)", () => {
    expect(snoozeUntil({ kind: "tomorrow" }, person, now)?.toISOString()).toBe("2026-07-02T11:30:00.000Z");
    expect(snoozeUntil({ kind: "tomorrow" }, { ...person, quiet_hours_enabled: false }, now)?.toISOString()).toBe("2026-07-02T12:00:00.000Z");
  });
  it("refuses a time it cannot read or outside 5 minutes to 24 hours", () => {
    expect(snoozeUntil({ kind: "unclear" }, person, now)).toBeNull();
    expect(snoozeUntil({ kind: "minutes", minutes: 2 }, person, now)).toBeNull();
    expect(snoozeUntil({ kind: "minutes", minutes: 25 * 60 }, person, now)).toBeNull();
  });
});
