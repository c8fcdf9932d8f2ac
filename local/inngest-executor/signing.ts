import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// Inngest's request signing, as inngest@4.24's serve() checks it (helpers/net.js, RequestSignature
// in components/InngestCommHandler.js): `X-Inngest-Signature: t=<unix seconds>&s=<hex>` where
// s = HMAC-SHA256(key = the signing key without its `signkey-<env>-` prefix, as text,
//                 data = canonical JSON of the body (RFC 8785 key order) + t).
// The SDK refuses a timestamp more than 5 minutes from its clock, and signs its own answers the
// same way over the raw response text. Out-of-band registration (POST /fn/register) carries
// `Authorization: Bearer <prefix + sha256(hex-decoded key)>` instead.

export const SIGNATURE_HEADER = "x-inngest-signature";
/** The SDK's window, both ways (clock skew and replays). */
const SIGNATURE_MAX_AGE_MS = 5 * 60_000;

const KEY_PREFIX = /^signkey-\w+-/;

/** A fresh key in Inngest's format (`signkey-<env>-<hex>`), for a local install or a test. */
export function generateSigningKey(): string {
  return `signkey-local-${randomBytes(32).toString("hex")}`;
}

export function generateEventKey(): string {
  return randomBytes(32).toString("hex");
}

/** JSON with object keys sorted, as the `canonicalize` package the SDK uses writes it. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(",")}]`;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${entries.join(",")}}`;
}

function hmacHex(text: string, signingKey: string, timestamp: string): string {
  return createHmac("sha256", signingKey.replace(KEY_PREFIX, "")).update(text + timestamp).digest("hex");
}

/** The header value for a request or response whose exact body text is `text`. */
export function signatureFor(text: string, signingKey: string, nowMs = Date.now()): string {
  const timestamp = String(Math.round(nowMs / 1000));
  return `t=${timestamp}&s=${hmacHex(text, signingKey, timestamp)}`;
}

/** True when `header` signs `text` with `signingKey`, made within the SDK's five-minute window. */
export function verifySignature(header: string | null, text: string, signingKey: string, nowMs = Date.now()): boolean {
  if (!header) return false;
  const params = new URLSearchParams(header);
  const timestamp = params.get("t") ?? "";
  const signature = params.get("s") ?? "";
  const seconds = Number.parseInt(timestamp, 10);
  if (!timestamp || !signature || !Number.isFinite(seconds)) return false;
  if (Math.abs(nowMs - seconds * 1000) > SIGNATURE_MAX_AGE_MS) return false;
  return sameText(hmacHex(text, signingKey, timestamp), signature);
}

/** What the SDK sends as `Authorization: Bearer …` when it registers out-of-band. */
export function hashedSigningKey(signingKey: string): string {
  const prefix = KEY_PREFIX.exec(signingKey)?.[0] ?? "";
  const hex = signingKey.slice(prefix.length);
  return `${prefix}${createHash("sha256").update(Buffer.from(hex, "hex")).digest("hex")}`;
}

/** Constant-time comparison of two secrets (false when the lengths differ). */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
