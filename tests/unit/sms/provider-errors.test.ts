import { describe, expect, it } from "vitest";
import {
  classifyTwilioFailure,
  describeTwilioCode,
  InvalidStatusCallbackError,
  parseRetryAfter,
  parseStatusCallback,
  ProviderError,
  verifyRefusalOf,
} from "@/server/sms/provider";

const NOW = new Date("2030-03-01T12:00:00Z");

describe("classifyTwilioFailure", () => {
  it.each([
    [21211, "invalid phone number"],
    [21408, "region"],
    [21610, "opted out"],
    [21614, "not a mobile number"],
    [21617, "1,600"],
  ])("Twilio code %i at HTTP 400 is permanent (%s)", (code, reasonPart) => {
    const result = classifyTwilioFailure({ httpStatus: 400, code });
    expect(result.kind).toBe("permanent");
    expect(result.reason).toContain(reasonPart);
    expect(result.retryAfterMs).toBeUndefined();
  });

  it.each([30003, 30004, 30005, 30006, 30007, 30008])("delivery error %i is permanent with a human reason", (code) => {
    const result = classifyTwilioFailure({ httpStatus: 400, code });
    expect(result.kind).toBe("permanent");
    expect(describeTwilioCode(code)).toBe(result.reason);
    expect(result.reason.length).toBeGreaterThan(5);
  });

  it("any other 4xx is permanent, unknown code or none", () => {
    expect(classifyTwilioFailure({ httpStatus: 400, code: 99999 }).kind).toBe("permanent");
    expect(classifyTwilioFailure({ httpStatus: 404 }).kind).toBe("permanent");
    expect(classifyTwilioFailure({ httpStatus: 401, code: 20003 }).kind).toBe("permanent");
  });

  it("429 is retryable and honours Retry-After in seconds or as an HTTP date", () => {
    expect(classifyTwilioFailure({ httpStatus: 429, code: 20429, retryAfter: "7" })).toMatchObject({
      kind: "retryable",
      retryAfterMs: 7000,
    });
    expect(
      classifyTwilioFailure({ httpStatus: 429, retryAfter: "Fri, 01 Mar 2030 12:00:30 GMT", now: NOW }),
    ).toMatchObject({ kind: "retryable", retryAfterMs: 30_000 });
    expect(classifyTwilioFailure({ httpStatus: 429 })).toEqual({ kind: "retryable", reason: "rate limited by Twilio" });
  });

  it("Verify's attempt limits answer 429 but are permanent for this verification", () => {
    expect(classifyTwilioFailure({ httpStatus: 429, code: 60203, retryAfter: "5" })).toEqual({
      kind: "permanent",
      reason: expect.stringContaining("too many codes sent"),
    });
    expect(classifyTwilioFailure({ httpStatus: 429, code: 60202 }).kind).toBe("permanent");
  });

  it.each([500, 502, 503, 504])("HTTP %i is retryable", (httpStatus) => {
    expect(classifyTwilioFailure({ httpStatus }).kind).toBe("retryable");
  });

  it("connection never established is retryable", () => {
    for (const networkErrorCode of ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"]) {
      expect(classifyTwilioFailure({ networkErrorCode, requestSent: true }).kind).toBe("retryable");
    }
  });

  it("a reset before the request was written is retryable; after, it is ambiguous", () => {
    expect(classifyTwilioFailure({ networkErrorCode: "ECONNRESET", requestSent: false }).kind).toBe("retryable");
    expect(classifyTwilioFailure({ networkErrorCode: "ECONNRESET", requestSent: true }).kind).toBe("ambiguous");
  });

  it("a timeout or hang-up with unknown progress is ambiguous unless the request is idempotent", () => {
    expect(classifyTwilioFailure({ networkErrorCode: "ECONNABORTED" }).kind).toBe("ambiguous");
    expect(classifyTwilioFailure({}).kind).toBe("ambiguous");
    expect(classifyTwilioFailure({ networkErrorCode: "ECONNABORTED", requestSent: true, idempotent: true }).kind).toBe(
      "retryable",
    );
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and dates, ignores junk and clamps past dates to 0", () => {
    expect(parseRetryAfter("0", NOW)).toBe(0);
    expect(parseRetryAfter(" 12 ", NOW)).toBe(12_000);
    expect(parseRetryAfter("Fri, 01 Mar 2030 11:00:00 GMT", NOW)).toBe(0);
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
});

describe("ProviderError", () => {
  it("carries the classification of its facts", () => {
    const error = ProviderError.fromFacts({ httpStatus: 429, code: 20429, retryAfter: "3" }, "Twilio POST failed");
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "ProviderError",
      kind: "retryable",
      code: 20429,
      httpStatus: 429,
      retryAfterMs: 3000,
      message: "Twilio POST failed",
    });
  });
});

describe("verifyRefusalOf", () => {
  const refusal = (code: number) => verifyRefusalOf(ProviderError.fromFacts({ httpStatus: 400, code }, "refused"));

  it.each([
    [60203, "max_sends"],
    [60212, "busy"],
    [20429, "busy"],
    [60200, "invalid_number"],
    [21211, "invalid_number"],
    [21614, "invalid_number"],
    [21408, "geo_permission"],
    [60605, "geo_permission"],
    [60410, "fraud_guard"],
    [60205, "landline"],
  ])("reads Verify's %i as %s", (code, meaning) => {
    expect(refusal(code)).toBe(meaning);
  });

  it("leaves every other failure to be an internal error", () => {
    expect(refusal(20003)).toBeUndefined();
    expect(refusal(30003)).toBeUndefined();
    expect(verifyRefusalOf(ProviderError.fromFacts({ networkErrorCode: "ECONNRESET" }, "reset"))).toBeUndefined();
    expect(verifyRefusalOf(new Error("not from Twilio"))).toBeUndefined();
  });
});

describe("parseStatusCallback", () => {
  const sid = `SM${"a".repeat(32)}`;
  const accountSid = `AC${"b".repeat(32)}`;

  it("maps Twilio's parameters, error code and reason", () => {
    expect(
      parseStatusCallback({
        MessageSid: sid,
        SmsSid: sid,
        AccountSid: accountSid,
        MessageStatus: "undelivered",
        SmsStatus: "undelivered",
        ErrorCode: "30003",
        To: "+15551230001",
        From: "+15005550006",
        RawDlrDoneDate: "3003011200",
      }),
    ).toEqual({
      messageSid: sid,
      status: "undelivered",
      accountSid,
      to: "+15551230001",
      from: "+15005550006",
      messagingServiceSid: null,
      errorCode: 30003,
      errorReason: describeTwilioCode(30003),
      rawDlrDoneDate: "3003011200",
    });
  });

  it("falls back to SmsStatus and treats ErrorCode 0 as none", () => {
    const parsed = parseStatusCallback({ MessageSid: sid, AccountSid: accountSid, SmsStatus: "sent", ErrorCode: "0" });
    expect(parsed).toMatchObject({ status: "sent", errorCode: null, errorReason: null });
  });

  it("rejects payloads that are not status callbacks", () => {
    expect(() => parseStatusCallback({ MessageSid: sid, AccountSid: accountSid, MessageStatus: "exploded" })).toThrow(
      InvalidStatusCallbackError,
    );
    expect(() => parseStatusCallback({ MessageSid: "nope", AccountSid: accountSid, MessageStatus: "sent" })).toThrow(
      InvalidStatusCallbackError,
    );
    expect(() => parseStatusCallback({ MessageSid: sid, AccountSid: accountSid })).toThrow(/MessageStatus/);
  });
});
