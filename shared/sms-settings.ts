/**
 * SMS settings rules both the server and the browser need, in one client-safe module: the
 * server enforces them, the form shows them. Nothing here may import server code or the database.
 */

/** Where verification codes (and so texts) may go unless SMS_ALLOWED_COUNTRIES says otherwise. */
export const DEFAULT_SMS_ALLOWED_COUNTRIES = ["US", "CA"] as const;

/** Texts a user may allow per day. */
export const DAILY_CAP_RANGE = { min: 1, max: 50 } as const;

/** How long before a task is due its reminder goes out, in minutes: the table's check, the input schema and the form share them. */
export const REMINDER_LEAD_MINUTES = { min: 5, max: 24 * 60, default: 60 } as const;

/** A new code can be requested this long after the last one (the form counts it down). */
export const RESEND_CODE_AFTER_SECONDS = 30;

/** Twilio Verify: a code is valid for 10 minutes; 5 sends and 5 checks per verification. */
export const VERIFY_CODE_TTL_SECONDS = 10 * 60;

/** Twilio Verify sends 4 to 10 digits (6 by default). */
export const VERIFICATION_CODE_PATTERN = /^\d{4,10}$/;

/** Texts in the history per "Load more". */
export const MESSAGE_HISTORY_PAGE_SIZE = 20;

/** "US and CA" → "the United States and Canada" style list of country names, in English. */
export function countryNames(codes: readonly string[]): string {
  const names = codes.map(countryName);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

export function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}
