import { createHmac } from "node:crypto";

/**
 * X-Twilio-Signature: base64 HMAC-SHA1 keyed with the account auth token, over the
 * full URL followed by every POST parameter name and value, sorted by name.
 * Written independently of the SDK so tests can check it against `validateRequest`.
 */
export function computeTwilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + (params[key] ?? ""), url);
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf-8")).digest("base64");
}
