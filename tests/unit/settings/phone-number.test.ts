import { describe, expect, it } from "vitest";
import { checkPhoneNumber, formatPhoneNumber } from "@/server/verification/phone-number";

const US_CA = ["US", "CA"] as const;
const check = (phone: string, country = "US") => checkPhoneNumber({ phone, country }, US_CA);

describe("checking a phone number before any code is sent", () => {
  it("accepts US and Canadian numbers however they are written, as E.164", () => {
    expect(check("(206) 555-0100")).toEqual({ ok: true, e164: "+12065550100", country: "US" });
    expect(check("206.555.0100")).toMatchObject({ e164: "+12065550100" });
    expect(check("+1 613 555 0123", "US")).toEqual({ ok: true, e164: "+16135550123", country: "CA" });
    // A number with its country code needs no selector (a resend sends the stored E.164).
    expect(check("+12065550100", "")).toMatchObject({ ok: true, e164: "+12065550100" });
  });

  it("says what is wrong, on the field it is about", () => {
    expect(check("")).toEqual({ ok: false, field: "phone", message: "Enter your phone number" });
    expect(check("206 555")).toEqual({ ok: false, field: "phone", message: "This phone number is too short for United States (+1)" });
    expect(check("206 555 0100 99")).toMatchObject({ field: "phone", message: expect.stringMatching(/too long/) });
    expect(check("1-800-FLOWERS")).toMatchObject({ field: "phone", message: expect.stringMatching(/only have digits/) });
    expect(check("+999 1234 5678")).toMatchObject({ field: "phone", message: "This phone number starts with an unknown country code" });
    expect(check("206 555 0100", "XX")).toEqual({ ok: false, field: "country", message: "Choose a country from the list" });
  });

  it("refuses countries outside the allowed list, naming the allowed ones", () => {
    expect(check("+49 1511 2345678")).toEqual({
      ok: false,
      field: "phone",
      message: "We can only text phone numbers in United States and Canada; this one is in Germany.",
    });
    expect(checkPhoneNumber({ phone: "07400 123456", country: "GB" }, ["GB"])).toMatchObject({ ok: true, e164: "+447400123456" });
  });

  it("refuses number types that cannot receive texts where the library can tell", () => {
    expect(check("800 555 0199")).toMatchObject({ ok: false, message: "This is a toll-free number that cannot receive texts. Enter a mobile number." });
    expect(check("900 555 0199")).toMatchObject({ ok: false, message: expect.stringMatching(/premium-rate/) });
    expect(checkPhoneNumber({ phone: "020 7946 0958", country: "GB" }, ["GB"])).toMatchObject({ ok: false, message: expect.stringMatching(/landline/) });
  });

  it("formats a stored number for its owner", () => {
    expect(formatPhoneNumber("+12065550100")).toBe("+1 206 555 0100");
  });
});
