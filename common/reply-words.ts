/**
 * The words a task reminder asks its reader to reply with, client-safe: the reminder text, the
 * reply parser and the template editor's segment preview all read them from here.
 */

/** Reference numbers a reminder can carry ("Reply DONE 2"): one digit, so a reply stays short. */
export const REPLY_REF_MAX = 9;

/**
 * The last sentence of a task reminder (its `{{reply_hint}}`): how to act on it by reply. The
 * first reminder open on a number needs no number; one sent while others are open carries its
 * reference, so a reply can say which. Neither word is a carrier keyword (design §7).
 */
export function replyHint(ref: number | null, actOnReplies: boolean): string {
  if (!actOnReplies) return "Open BuildOS to mark it done.";
  return ref === null || ref <= 1 ? "Reply DONE or SNOOZE." : `Reply DONE ${ref} or SNOOZE ${ref}.`;
}

/** The longest reply hint, for a segment preview that leaves `{{reply_hint}}` unfilled. */
export const LONGEST_REPLY_HINT = [replyHint(REPLY_REF_MAX, true), replyHint(null, false)].reduce((a, b) => (b.length > a.length ? b : a));

/** Variables the app fills itself, with the longest value each can take (for previews). */
export const SYSTEM_VARIABLE_SAMPLES: Readonly<Record<string, string>> = { reply_hint: LONGEST_REPLY_HINT };

/**
 * What a system variable is when the request does not give one (an admin's test send of a
 * reminder): the plain reply hint. The request service fills these; the test-send form shows them.
 */
export const SYSTEM_VARIABLE_DEFAULTS: Readonly<Record<string, string>> = { reply_hint: replyHint(null, true) };
