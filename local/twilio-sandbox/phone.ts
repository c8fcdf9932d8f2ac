import { parsePhoneNumberFromString } from "libphonenumber-js";

/**
 * Whether `value` is a plausible E.164 number, as Twilio checks `To` before accepting a message:
 * written in E.164 exactly and of a possible length for its country (libphonenumber's metadata).
 */
export function isE164(value: string): boolean {
  const parsed = parsePhoneNumberFromString(value);
  return parsed !== undefined && parsed.number === value && parsed.isPossible();
}
