import { DIGEST_MAX_SEGMENTS } from "@/common/limits";
import { segmentInfo } from "../../templates/render";

/** One held text as its digest lists it. */
export interface DigestItem {
  /** The reference its reminder carries ("DONE 2"); null for a text that is not a task reminder. */
  ref: number | null;
  /** Short and self-contained: "Call Ana at 9:00 AM", "Daily brief: 3 tasks today". */
  line: string;
}

export interface ComposedDigest {
  body: string;
  /** How many items are listed by name; the rest are summarised as "+N more". */
  listed: number;
  segments: number;
  encoding: "GSM-7" | "UCS-2";
}

/**
 * The digest's text: a count, the items in the order given, and how to reply.
 *
 *   "BuildOS: 3 reminders: 1) Call Ana at 9:00 AM; 2) Pay rent; 3) Draft report. Reply DONE or
 *    SNOOZE with a number, e.g. DONE 1."
 *
 * Items are listed while the text fits `maxSegments`; the rest become "+N more" (always at least
 * one item is listed, shortened if it alone is too long). Items are joined with semicolons, since
 * task titles may hold commas. Each reminder keeps the reference its own text would have carried,
 * so "DONE 2" means the same reminder whether it came alone or in the digest.
 */
export function composeDigest(
  items: readonly DigestItem[],
  { actOnReplies, maxSegments = DIGEST_MAX_SEGMENTS }: { actOnReplies: boolean; maxSegments?: number },
): ComposedDigest {
  if (items.length === 0) throw new Error("a digest needs at least one item");
  const allReminders = items.every((item) => item.ref !== null);
  const header = `BuildOS: ${items.length} ${allReminders ? "reminders" : "texts"}:`;
  const firstRef = items.find((item) => item.ref !== null)?.ref ?? null;
  const hint = firstRef === null ? "" : actOnReplies ? ` Reply DONE or SNOOZE with a number, e.g. DONE ${firstRef}.` : " Open BuildOS to mark them done.";
  const label = (item: DigestItem) => (item.ref === null ? item.line : `${item.ref}) ${item.line}`);

  const build = (listed: number, lastLine?: string) => {
    const lines = items.slice(0, listed).map(label);
    if (lastLine !== undefined) lines[listed - 1] = lastLine;
    const more = items.length - listed;
    const list = lines.join("; ") + (more > 0 ? `; +${more} more` : "");
    return `${header} ${list}.${hint}`;
  };

  for (let listed = items.length; listed >= 1; listed--) {
    const body = build(listed);
    const info = segmentInfo(body);
    if (info.segments <= maxSegments) return { body, listed, segments: info.segments, encoding: info.encoding };
  }
  // Even one item is too long: keep the longest start of its line that fits (binary search).
  const first = label(items[0]!);
  const shortened = (keep: number) => build(1, `${first.slice(0, keep).trimEnd()}...`);
  let [low, high] = [0, first.length - 1];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (segmentInfo(shortened(mid)).segments <= maxSegments) low = mid;
    else high = mid - 1;
  }
  const body = shortened(low);
  const info = segmentInfo(body);
  return { body, listed: 1, segments: info.segments, encoding: info.encoding };
}

/** A text that is not a task reminder, as one digest line: its first sentence, without our prefix. */
export function lineFromBody(body: string, max = 70): string {
  const plain = body
    .replace(/^BuildOS:\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
  const sentence = plain.split(/(?<=[.!?])\s/)[0]!.replace(/[.!?]+$/, "");
  return sentence.length <= max ? sentence : `${sentence.slice(0, max - 3).trimEnd()}...`;
}
