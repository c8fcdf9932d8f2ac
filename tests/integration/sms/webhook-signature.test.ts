import twilio from "twilio";
import { describe, expect, it, vi } from "vitest";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { readTwilioWebhook, signedUrl } from "@/server/webhooks/twilio-request";
import { sandboxProvider } from "../../helpers/sms";

const publicUrl = "https://sms.example.test";
const path = "/api/webhooks/twilio/status?m=3f1c7a8e-2b7d-4c1e-9f5a-0d2e4b6a8c10";
const config = { publicUrl, trustProxy: false, accountSid: SANDBOX_ACCOUNT_SID, provider: sandboxProvider() };
const params = {
  MessageSid: "SM0123456789abcdef0123456789abcdef",
  AccountSid: SANDBOX_ACCOUNT_SID,
  MessageStatus: "delivered",
  To: "+15555550100",
};

/** Signed by the twilio SDK's own helper, the way Twilio signs. */
function sign(url: string, body: Record<string, string>, token = SANDBOX_AUTH_TOKEN) {
  return twilio.getExpectedTwilioSignature(token, url, body);
}

function post(body: Record<string, string> | string, headers: Record<string, string>, arrivedAt = `http://127.0.0.1:3000${path}`) {
  const encoded = typeof body === "string" ? body : new URLSearchParams(body).toString();
  return new Request(arrivedAt, {
    method: "POST",
    body: encoded,
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });
}

describe("Twilio webhook checks", () => {
  const goodSignature = sign(`${publicUrl}${path}`, params);

  it("accepts a valid signature over the public URL (not the URL the server saw)", async () => {
    const result = await readTwilioWebhook(post(params, { "x-twilio-signature": goodSignature }), config);
    expect(result).toMatchObject({ ok: true, params, url: `${publicUrl}${path}` });
  });

  it("settles a genuine signature with one HMAC over the exact URL, agreeing with the SDK", async () => {
    const sdkCheck = vi.spyOn(twilio, "validateRequest");
    try {
      const texted = { ...params, Body: "Café ☕ 🚀 & more=yes" };
      const signature = sign(`${publicUrl}${path}`, texted);
      expect(twilio.validateRequest(SANDBOX_AUTH_TOKEN, signature, `${publicUrl}${path}`, texted)).toBe(true);
      sdkCheck.mockClear();
      expect(await readTwilioWebhook(post(texted, { "x-twilio-signature": signature }), config)).toMatchObject({ ok: true });
      expect(sdkCheck).not.toHaveBeenCalled();
    } finally {
      sdkCheck.mockRestore();
    }
  });

  it("still accepts every URL variant the SDK accepts (the default port spelled out)", async () => {
    const withPort = sign(`https://sms.example.test:443${path}`, params);
    expect(await readTwilioWebhook(post(params, { "x-twilio-signature": withPort }), config)).toMatchObject({ ok: true });
  });

  it("refuses a tampered parameter", async () => {
    const result = await readTwilioWebhook(post({ ...params, MessageStatus: "failed" }, { "x-twilio-signature": goodSignature }), config);
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it("refuses a signature made with another auth token", async () => {
    const wrong = sign(`${publicUrl}${path}`, params, "f".repeat(32));
    expect(await readTwilioWebhook(post(params, { "x-twilio-signature": wrong }), config)).toMatchObject({ ok: false, status: 403 });
  });

  it("refuses a signature made for another URL", async () => {
    const wrong = sign(`https://evil.example.test${path}`, params);
    expect(await readTwilioWebhook(post(params, { "x-twilio-signature": wrong }), config)).toMatchObject({ ok: false, status: 403 });
    const otherQuery = sign(`${publicUrl}/api/webhooks/twilio/status?m=other`, params);
    expect(await readTwilioWebhook(post(params, { "x-twilio-signature": otherQuery }), config)).toMatchObject({ ok: false, status: 403 });
  });

  it("refuses a missing signature header", async () => {
    expect(await readTwilioWebhook(post(params, {}), config)).toMatchObject({
      ok: false,
      status: 403,
      reason: "missing X-Twilio-Signature",
    });
  });

  it("refuses a correctly signed request for another account", async () => {
    const foreign = { ...params, AccountSid: `AC${"0".repeat(32)}` };
    const result = await readTwilioWebhook(post(foreign, { "x-twilio-signature": sign(`${publicUrl}${path}`, foreign) }), config);
    expect(result).toMatchObject({ ok: false, status: 403, reason: "AccountSid is not ours" });
  });

  it("refuses an oversized body before reading it all", async () => {
    const huge = { ...params, Body: "x".repeat(70 * 1024) };
    const result = await readTwilioWebhook(post(huge, { "x-twilio-signature": sign(`${publicUrl}${path}`, huge) }), config);
    expect(result).toMatchObject({ ok: false, status: 413 });
  });

  it("refuses anything but a form post", async () => {
    const req = new Request(`http://127.0.0.1:3000${path}`, {
      method: "POST",
      body: JSON.stringify(params),
      headers: { "content-type": "application/json", "x-twilio-signature": goodSignature },
    });
    expect(await readTwilioWebhook(req, config)).toMatchObject({ ok: false, status: 415 });
  });

  it("uses forwarded headers only when the proxy is trusted", () => {
    const req = post(params, { "x-forwarded-proto": "https", "x-forwarded-host": "public.example.test" });
    expect(signedUrl(req, { publicUrl: "http://internal:3000", trustProxy: true })).toBe(`https://public.example.test${path}`);
    expect(signedUrl(req, { publicUrl: "http://internal:3000", trustProxy: false })).toBe(`http://internal:3000${path}`);
  });
});
