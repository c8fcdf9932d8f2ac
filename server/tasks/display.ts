import { DateTime } from "luxon";

/**
 * How tasks read inside a text message. Kept short so a filled template stays within the
 * 320-character budget, and in plain ASCII so a task title alone decides whether the text
 * needs UCS-2 (an ellipsis character would force it on every long title).
 */
const TITLE_MAX = 80;
const PROJECT_MAX = 40;

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 3).trimEnd()}...`;
}

export const taskTitleForSms = (title: string) => shorten(title, TITLE_MAX);
export const projectForSms = (project: string) => shorten(project, PROJECT_MAX);

/** "3:30 PM" in the reader's zone (US English, as the rest of the texts). */
export function clockTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).setLocale("en-US").toFormat("h:mm a");
}

/**
 * When something is due, relative to the reader's local today: "at 3:30 PM", "tomorrow at
 * 9:00 AM", or "on Mon, Mar 4 at 9:00 AM" further out.
 */
export function duePhrase(dueAt: Date, zone: string, now: Date): string {
  const due = DateTime.fromJSDate(dueAt, { zone }).setLocale("en-US");
  const today = DateTime.fromJSDate(now, { zone }).startOf("day");
  const days = Math.round(due.startOf("day").diff(today, "days").days);
  const time = `at ${clockTime(dueAt, zone)}`;
  if (days === 0) return time;
  if (days === 1) return `tomorrow ${time}`;
  if (days === -1) return `yesterday ${time}`;
  return `on ${due.toFormat("ccc, LLL d")} ${time}`;
}
