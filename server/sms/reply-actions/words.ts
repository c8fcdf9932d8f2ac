import { DateTime } from "luxon";
import { SNOOZE_MINUTES } from "@/common/limits";
import { clockTime, taskTitleForSms } from "../../tasks/display";
import { toGsm7 } from "../gsm7";
import type { ReplyCandidate } from "./resolve";

/**
 * The short answers to DONE and SNOOZE, sent as TwiML in the webhook's answer (no extra API
 * call). Always GSM-7: a task title is shortened and stripped of characters GSM-7 lacks.
 */
const LIST_TITLE_MAX = 30;
const LIST_MAX = 5;

const title = (text: string, max = 60) => toGsm7(taskTitleForSms(text).slice(0, max).trimEnd());

export const replyWords = {
  completed: (task: string) => `Done: ${title(task)}.`,
  alreadyDone: (task: string) => `Already done: ${title(task)}.`,
  deleted: () => "That task was deleted, so there is nothing to do.",
  pastDue: (task: string, dueAt: Date, zone: string) =>
    `${title(task)} was due at ${clockTime(dueAt, zone)}, so there is nothing to snooze. Reply DONE if it is done.`,
  snoozed: (task: string, until: Date, zone: string, now: Date, afterQuietHours: boolean) =>
    `Snoozed until ${untilPhrase(until, zone, now)}${afterQuietHours ? " (after quiet hours)" : ""}: ${title(task)}.`,
  notSnoozed: (task: string) => `Could not snooze ${title(task)}: task reminders are off or texts cannot reach you.`,
  unclearSnooze: () =>
    `To snooze, reply SNOOZE, SNOOZE 30M, SNOOZE 2H or SNOOZE TOMORROW (${SNOOZE_MINUTES.min} minutes to ${SNOOZE_MINUTES.max / 60} hours).`,
  noReminder: () => "There is no open reminder to act on. Reply HELP for help.",
  repliesOff: () => "Replies do not change tasks for this number. Turn on Act on my replies in BuildOS settings.",
  /** "Which one? 1 Call Ana, 2 Pay rent. Reply DONE 1 or DONE 2." */
  which: (verb: "DONE" | "SNOOZE", open: readonly ReplyCandidate[], unknownRef?: number) => {
    const shown = open.slice(0, LIST_MAX);
    const list = shown.map((c) => `${c.replyRef} ${title(c.task?.title ?? "", LIST_TITLE_MAX)}`).join(", ");
    const more = open.length > shown.length ? ` (+${open.length - shown.length} more)` : "";
    const lead = unknownRef === undefined ? "Which one?" : `No reminder ${unknownRef} is open.`;
    if (shown.length === 0) return unknownRef === undefined ? replyWords.noReminder() : `${lead} Reply HELP for help.`;
    const refs = shown.map((c) => `${verb} ${c.replyRef}`);
    const choice = refs.length === 1 ? refs[0] : `${refs.slice(0, -1).join(", ")} or ${refs.at(-1)}`;
    return `${lead} ${list}${more}. Reply ${choice}.`;
  },
};

/** "3:30 PM" today, "tomorrow 8:00 AM", or "Mon, Mar 4 8:00 AM", in the reader's zone. */
function untilPhrase(at: Date, zone: string, now: Date): string {
  const day = DateTime.fromJSDate(at, { zone }).setLocale("en-US");
  const days = Math.round(day.startOf("day").diff(DateTime.fromJSDate(now, { zone }).startOf("day"), "days").days);
  const time = clockTime(at, zone);
  if (days === 0) return time;
  if (days === 1) return `tomorrow ${time}`;
  return `${day.toFormat("ccc, LLL d")} ${time}`;
}
