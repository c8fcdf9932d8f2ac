import {
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
  type NumberType,
} from "libphonenumber-js/max";
import { countryName, countryNames } from "@/shared/sms-settings";

export type PhoneCheck =
  | { ok: true; e164: string; country: CountryCode }
  | { ok: false; field: "phone" | "country"; message: string };

const countries: ReadonlySet<string> = new Set(getCountries());
const isCountry = (code: string): code is CountryCode => countries.has(code);

/** Only digits and the usual separators; letters (vanity numbers) and extensions are refused. */
const PHONE_CHARACTERS = /^\+?[\d\s().-]+$/;

/** Number types that can receive a text. Unknown (undefined) passes: the library cannot always tell. */
const TEXTABLE: ReadonlySet<NumberType> = new Set<NumberType>(["MOBILE", "FIXED_LINE_OR_MOBILE", undefined]);

const TYPE_WORDS: Partial<Record<NonNullable<NumberType>, string>> = {
  FIXED_LINE: "a landline",
  TOLL_FREE: "a toll-free number",
  PREMIUM_RATE: "a premium-rate number",
  SHARED_COST: "a shared-cost number",
  VOIP: "an internet (VoIP) number",
  PERSONAL_NUMBER: "a personal forwarding number",
  PAGER: "a pager number",
  UAN: "a company switchboard number",
  VOICEMAIL: "a voicemail number",
};

/**
 * Checks a phone number as a person typed it, with the country chosen beside it (a number typed
 * with +country code wins over the selector), and returns it as E.164. Refuses, with a message
 * that says what to fix: bad characters, too short or long, not a number of that country, a
 * country outside `allowed` (before any code is sent: SMS pumping targets foreign premium
 * ranges), or a number type that cannot receive texts where libphonenumber can tell.
 */
export function checkPhoneNumber(input: { phone: string; country: string }, allowed: readonly CountryCode[]): PhoneCheck {
  const phone = input.phone.trim();
  const selected = input.country.trim().toUpperCase();
  const international = phone.startsWith("+");
  // A number written with its country code needs no selector (a resend sends the stored E.164).
  if (!international && !isCountry(selected)) return { ok: false, field: "country", message: "Choose a country from the list" };
  if (!phone) return { ok: false, field: "phone", message: "Enter your phone number" };
  if (!PHONE_CHARACTERS.test(phone)) {
    return { ok: false, field: "phone", message: "A phone number can only have digits, spaces, dashes, brackets and a leading +" };
  }
  const defaultCountry = isCountry(selected) ? selected : undefined;
  const where = international || !defaultCountry ? "for its country code" : `for ${countryName(defaultCountry)} (+${getCountryCallingCode(defaultCountry)})`;
  switch (validatePhoneNumberLength(phone, defaultCountry)) {
    case "TOO_SHORT":
      return { ok: false, field: "phone", message: `This phone number is too short ${where}` };
    case "TOO_LONG":
      return { ok: false, field: "phone", message: `This phone number is too long ${where}` };
    case "INVALID_LENGTH":
      return { ok: false, field: "phone", message: `This phone number has the wrong number of digits ${where}` };
    case "INVALID_COUNTRY":
      return { ok: false, field: "phone", message: "This phone number starts with an unknown country code" };
    case "NOT_A_NUMBER":
      return { ok: false, field: "phone", message: "Enter your phone number" };
    default:
      break;
  }
  const parsed = parsePhoneNumberFromString(phone, defaultCountry);
  if (!parsed?.isValid() || !parsed.country) {
    return { ok: false, field: "phone", message: `This is not a valid phone number ${where}` };
  }
  if (!allowed.includes(parsed.country)) {
    return {
      ok: false,
      field: "phone",
      message: `We can only text phone numbers in ${countryNames(allowed)}; this one is in ${countryName(parsed.country)}.`,
    };
  }
  const type = parsed.getType();
  if (!TEXTABLE.has(type)) {
    return {
      ok: false,
      field: "phone",
      message: `This is ${TYPE_WORDS[type!] ?? "a number"} that cannot receive texts. Enter a mobile number.`,
    };
  }
  return { ok: true, e164: parsed.number, country: parsed.country };
}

/** +12065550100 → "+1 206 555 0100", for showing a stored number back to its owner. */
export function formatPhoneNumber(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/** The countries the form's selector offers, with calling codes and English names, sorted by name. */
export function phoneCountryOptions(): { code: CountryCode; name: string; callingCode: string }[] {
  return getCountries()
    .map((code) => ({ code, name: countryName(code), callingCode: getCountryCallingCode(code) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
