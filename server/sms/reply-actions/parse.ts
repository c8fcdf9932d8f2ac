import { REPLY_REF_MAX } from "@/common/reply-words";
import { classifyKeyword, normalizeReply, type KeywordMatch } from "../keywords";

/** How long a SNOOZE pushes the reminder back. `unclear`: a snooze we could not read a time from. */
export type SnoozeFor =
  | { kind: "default" }
  | { kind: "minutes"; minutes: number }
  | { kind: "tomorrow" }
  | { kind: "unclear" };

export type ReplyAction = { action: "done"; ref: number | null } | { action: "snooze"; ref: number | null; for: SnoozeFor };

/** A text as the inbound handler reads it: keywords first, then DONE / SNOOZE, else nothing. */
export type ReadReply = KeywordMatch & { action: ReplyAction | null };

const DONE =
  /^(?:(?:ok|okay|yes|yep|yeah|all|its|it is|im|i am|i m|task|just)\s+)?(?:done|finished|finish|complete|completed|did it|done it|finished it)(?:\s+(?:it|that|this))?(?:\s+(\d{1,2}))?(?:\s+(?:thanks|thank you|thx|ty|please|pls))?$/;
/** Words that open a snooze; the longest first so "remind me later" is not read as "remind me". */
const SNOOZE_HEADS = ["remind me again later", "remind me again", "remind me later", "remind me", "snooze", "snoozed", "snoze", "snooz", "later"];
const FILLER = new Set(["for", "in", "until", "till", "til", "another", "please", "pls", "thanks", "thx", "again", "more", "me"]);
const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, fortyfive: 45, sixty: 60, ninety: 90,
};
const MINUTE_UNITS = new Set(["m", "min", "mins", "minute", "minutes", "mn"]);
const HOUR_UNITS = new Set(["h", "hr", "hrs", "hour", "hours", "hs"]);
const TOMORROW = /^(?:tomorrow|tmrw|tmr|tomorow|tommorow|tomorrow morning|morning|the morning|in the morning)$/;

function amount(word: string): number | null {
  if (/^\d{1,4}$/.test(word)) return Number(word);
  return NUMBER_WORDS[word] ?? null;
}

/** "30m", "2 hours", "an hour", "half an hour", "1h30", "1 h 30 min" → minutes; null if not a duration. */
function durationMinutes(text: string): number | null {
  const spaced = text.replace(/(\d)([a-z])/g, "$1 $2").replace(/([a-z])(\d)/g, "$1 $2");
  if (/^(?:a )?half (?:an )?hour$/.test(spaced)) return 30;
  if (/^(?:an? )?hour and a half$/.test(spaced)) return 90;
  const words = spaced.replace(/forty five/g, "fortyfive").split(" ");
  let total = 0;
  let i = 0;
  while (i < words.length) {
    const n = amount(words[i]!);
    const unit = words[i + 1];
    if (n === null) return null;
    if (unit && HOUR_UNITS.has(unit)) total += n * 60;
    else if (unit && MINUTE_UNITS.has(unit)) total += n;
    else if (unit === undefined && i > 0 && HOUR_UNITS.has(words[i - 1]!)) total += n; // "1h 30": minutes after hours
    else return null;
    i += unit === undefined ? 1 : 2;
  }
  return i > 0 ? total : null;
}

function readSnooze(rest: string[]): { ref: number | null; for: SnoozeFor } {
  const words = rest.filter((w) => !FILLER.has(w));
  if (words.length === 0) return { ref: null, for: { kind: "default" } };
  // A lone small number is a reference ("SNOOZE 2"); a larger one is minutes ("SNOOZE 30").
  let ref: number | null = null;
  const first = words[0]!;
  if (/^\d{1,2}$/.test(first) && Number(first) >= 1 && Number(first) <= REPLY_REF_MAX && words.length > 1 && durationOrDay(words.slice(1).join(" "))) {
    ref = Number(first);
    words.shift();
  } else if (words.length === 1 && /^\d{1,2}$/.test(first) && Number(first) >= 1 && Number(first) <= REPLY_REF_MAX) {
    return { ref: Number(first), for: { kind: "default" } };
  } else if (words.length === 1 && /^\d{1,4}$/.test(first)) {
    return { ref: null, for: { kind: "minutes", minutes: Number(first) } };
  }
  return { ref, for: durationOrDay(words.join(" ")) ?? { kind: "unclear" } };
}

function durationOrDay(text: string): SnoozeFor | null {
  if (TOMORROW.test(text)) return { kind: "tomorrow" };
  const minutes = durationMinutes(text);
  return minutes === null ? null : { kind: "minutes", minutes };
}

/** DONE or SNOOZE in the ways people type them ("done!", "Done 2", "Snooze 1 hour", "remind me later"), or null. */
export function parseReplyAction(body: string): ReplyAction | null {
  const text = normalizeReply(body).replace(/^(done|snooze)(\d)/, "$1 $2");
  const done = DONE.exec(text);
  if (done) return { action: "done", ref: done[1] ? Number(done[1]) : null };
  const head = SNOOZE_HEADS.find((h) => text === h || text.startsWith(`${h} `));
  if (!head) return null;
  const rest = text.slice(head.length).trim();
  // "later" alone or "later 2" snoozes; "later today I will" is not a command.
  if (head === "later" && rest !== "" && !/^\d$/.test(rest)) return null;
  const snooze = readSnooze(rest === "" ? [] : rest.split(" "));
  return { action: "snooze", ...snooze };
}

/**
 * How the inbound handler reads a text, in order: STOP/START/HELP and every opt-out word or
 * plain request to stop (server/sms/keywords.ts) — never an action — then DONE / SNOOZE.
 */
export function readReply(body: string): ReadReply {
  const keyword = classifyKeyword(body);
  if (keyword.keyword !== "none") return { ...keyword, action: null };
  const action = parseReplyAction(body);
  return action ? { keyword: "none", rule: `action:${action.action}`, action } : { keyword: "none", rule: "none", action: null };
}
