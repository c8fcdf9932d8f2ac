import { parsePhoneNumberFromString } from "libphonenumber-js";

export type SearchTerm = { kind: "email"; text: string } | { kind: "phone"; phone: string } | { kind: "invalid" };

/**
 * What an admin typed into a user or recipient search: text with anything but digits and the
 * punctuation of phone numbers is (part of) an email address; the rest must read as a phone
 * number in any common form (US numbers may omit +1), compared as E.164.
 */
export function phoneSearchTerm(text: string): SearchTerm {
  const trimmed = text.trim();
  if (/[^\d\s+().-]/.test(trimmed)) return { kind: "email", text: trimmed };
  const parsed = parsePhoneNumberFromString(trimmed, "US");
  return parsed?.isPossible() ? { kind: "phone", phone: parsed.number } : { kind: "invalid" };
}

/** `%` and `_` typed by the admin are literal characters, not wildcards (for ILIKE/LIKE patterns). */
export function escapeLike(text: string) {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
