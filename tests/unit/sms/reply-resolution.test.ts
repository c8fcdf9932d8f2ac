import { describe, expect, it } from "vitest";
import { resolveReply, type ReplyCandidate } from "@/server/sms/reply-actions/resolve";
import { replyWords } from "@/server/sms/reply-actions/words";
import { nextFreeRef } from "@/server/reminders/open";
import { segmentInfo } from "@/server/templates/render";
import { checkTemplateBody } from "@/server/templates/body-check";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";
import { LONGEST_REPLY_HINT, REPLY_REF_MAX, replyHint } from "@/common/reply-words";

let n = 0;
function reminder(overrides: Partial<ReplyCandidate> & { minutesAgo?: number } = {}): ReplyCandidate {
  n += 1;
  const { minutesAgo = n, ...rest } = overrides;
  return {
    messageId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    userId: "user-a",
    taskId: `task-${n}`,
    replyRef: 1,
    sentAt: new Date(Date.UTC(2026, 6, 1, 12) - minutesAgo * 60_000),
    task: { title: `Task ${n}`, project: "", dueAt: new Date(Date.UTC(2026, 6, 1, 14)), completedAt: null },
    answered: false,
    ...rest,
  };
}

describe("which reminder a reply answers", () => {
  it("a bare reply acts on the one open reminder", () => {
    const only = reminder();
    expect(resolveReply([only], null)).toEqual({ kind: "one", reminder: only });
  });

  it("a bare reply with two open reminders asks which, listed by reference", () => {
    const first = reminder({ replyRef: 1, minutesAgo: 30 });
    const second = reminder({ replyRef: 2, minutesAgo: 5 });
    expect(resolveReply([second, first], null)).toEqual({ kind: "ask", open: [first, second] });
  });

  it("a reference picks the newest reminder carrying it", () => {
    const old = reminder({ replyRef: 2, minutesAgo: 600, task: { title: "Old", project: "", dueAt: null, completedAt: new Date() } });
    const first = reminder({ replyRef: 1, minutesAgo: 30 });
    const second = reminder({ replyRef: 2, minutesAgo: 5 });
    expect(resolveReply([old, first, second], 2)).toEqual({ kind: "one", reminder: second });
  });

  it("an unknown reference lists what is open instead of guessing", () => {
    const first = reminder({ replyRef: 1 });
    expect(resolveReply([first], 3)).toEqual({ kind: "unknown_ref", ref: 3, open: [first] });
  });

  it("done, deleted and answered reminders are not open; with none open, the newest is named so the answer can say why", () => {
    const done = reminder({ minutesAgo: 10, task: { title: "Done one", project: "", dueAt: null, completedAt: new Date() } });
    const deleted = reminder({ minutesAgo: 20, task: null });
    const answered = reminder({ minutesAgo: 30, answered: true });
    expect(resolveReply([done, deleted, answered], null)).toEqual({ kind: "one", reminder: done });
    const open = reminder({ minutesAgo: 40 });
    expect(resolveReply([done, deleted, answered, open], null)).toEqual({ kind: "one", reminder: open });
  });

  it("a snoozed task's new reminder stands for the task once", () => {
    const original = reminder({ taskId: "task-x", replyRef: 2, minutesAgo: 120, answered: true });
    const snoozed = reminder({ taskId: "task-x", replyRef: 2, minutesAgo: 1 });
    expect(resolveReply([original, snoozed], null)).toEqual({ kind: "one", reminder: snoozed });
  });

  it("nothing recent: none", () => {
    expect(resolveReply([], null)).toEqual({ kind: "none" });
  });

  it("references are the smallest free number on the number", () => {
    expect(nextFreeRef(new Set())).toBe(1);
    expect(nextFreeRef(new Set([1]))).toBe(2);
    expect(nextFreeRef(new Set([1, 3]))).toBe(2);
    expect(nextFreeRef(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe(1);
  });
});

describe("reply texts", () => {
  it("are GSM-7 whatever the task title holds", () => {
    for (const text of [
      replyWords.completed("Café “meeting” — 🚀 ready"),
      replyWords.snoozed("Привет Ana", new Date("2026-07-01T20:30:00Z"), "America/New_York", new Date("2026-07-01T18:30:00Z"), false),
      replyWords.which("DONE", [reminder({ replyRef: 1 }), reminder({ replyRef: 2, task: { title: "Zoë’s 🎂", project: "", dueAt: null, completedAt: null } })]),
    ]) {
      expect(segmentInfo(text).encoding, text).toBe("GSM-7");
    }
    expect(replyWords.completed("Call Ana")).toBe("Done: Call Ana.");
    expect(replyWords.completed("Café with Zoë")).toBe("Done: Café with Zoe."); // é is GSM-7, ë is not
  });

  it("ask which with each reference", () => {
    const list = [reminder({ replyRef: 1, task: { title: "Call Ana", project: "", dueAt: null, completedAt: null } }), reminder({ replyRef: 2, task: { title: "Pay rent", project: "", dueAt: null, completedAt: null } })];
    expect(replyWords.which("DONE", list)).toBe("Which one? 1 Call Ana, 2 Pay rent. Reply DONE 1 or DONE 2.");
  });

  it("say the snooze time in the reader's zone, and when quiet hours moved it", () => {
    const now = new Date("2026-07-01T18:30:00Z");
    expect(replyWords.snoozed("Call Ana", new Date("2026-07-01T19:30:00Z"), "America/New_York", now, false)).toBe("Snoozed until 3:30 PM: Call Ana.");
    expect(replyWords.snoozed("Call Ana", new Date("2026-07-02T12:00:00Z"), "America/New_York", now, true)).toBe(
      "Snoozed until tomorrow 8:00 AM (after quiet hours): Call Ana.",
    );
  });
});

describe("the reminder template's segment preview", () => {
  it("counts the reply hint at its longest, not as a placeholder", () => {
    const body = DEFAULT_TEMPLATES.find((t) => t.key === "task_reminder")!.body;
    const check = checkTemplateBody(body, { task_name: "Call Ana", due_time: "at 3:30 PM", task_context: "Project: Home." });
    expect(LONGEST_REPLY_HINT.length).toBeGreaterThanOrEqual(replyHint(REPLY_REF_MAX, true).length);
    expect(check.preview).toBe(`BuildOS: Call Ana is due at 3:30 PM. Project: Home. ${LONGEST_REPLY_HINT}`);
    expect(check.warnings).toEqual([]);
  });
});
