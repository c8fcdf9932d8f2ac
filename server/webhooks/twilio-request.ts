import { BODY_LIMITS } from "@/common/limits";
import { readBodyWithin } from "../http/body";
import type { SmsProvider } from "../sms/provider";

export const MAX_WEBHOOK_BYTES = BODY_LIMITS.webhookBytes;

export type TwilioWebhook =
  | { ok: true; params: Record<string, string>; url: string; query: URLSearchParams }
  | { ok: false; status: 403 | 413 | 415; reason: string };

export interface WebhookCheckConfig {
  /** The public origin Twilio posts to (PUBLIC_URL); signatures are made over it. */
  publicUrl: string;
  /** Derive the URL from X-Forwarded-Proto/Host; only behind a proxy you trust. */
  trustProxy: boolean;
  accountSid: string;
  provider: Pick<SmsProvider, "verifySignature">;
  maxBytes?: number;
}

// PUBLIC_URL does not change while the process runs: parse it once, not on every callback.
let parsedPublicUrl: { publicUrl: string; origin: string } | undefined;
function publicOrigin(publicUrl: string): string {
  if (parsedPublicUrl?.publicUrl !== publicUrl) parsedPublicUrl = { publicUrl, origin: new URL(publicUrl).origin };
  return parsedPublicUrl.origin;
}

/** The URL Twilio signed: the public origin plus the path and query the request arrived on. */
export function signedUrl(
  req: Request,
  config: Pick<WebhookCheckConfig, "publicUrl" | "trustProxy">,
  arrived = new URL(req.url),
): string {
  let origin = publicOrigin(config.publicUrl);
  if (config.trustProxy) {
    const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
    const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
    // The forwarded host carries its own port (or none): it replaces host and port together.
    if (proto || host) origin = new URL(`${proto ?? new URL(origin).protocol.slice(0, -1)}://${host ?? new URL(origin).host}`).origin;
  }
  return `${origin}${arrived.pathname}${arrived.search}`;
}

/**
 * Accepts a Twilio webhook only if it is a bounded form post, signed with our auth token
 * over the exact public URL, for our account. Anything else is refused before it can
 * change state.
 */
export async function readTwilioWebhook(req: Request, config: WebhookCheckConfig): Promise<TwilioWebhook> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return { ok: false, status: 415, reason: "expected an application/x-www-form-urlencoded POST" };
  }
  const body = await readBodyWithin(req, config.maxBytes ?? MAX_WEBHOOK_BYTES);
  if (!body.ok) return { ok: false, status: 413, reason: "body too large" };
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(new TextDecoder().decode(body.bytes))) params[key] = value;
  const arrived = new URL(req.url);
  const url = signedUrl(req, config, arrived);
  const signature = req.headers.get("x-twilio-signature");
  if (!signature) return { ok: false, status: 403, reason: "missing X-Twilio-Signature" };
  if (!config.provider.verifySignature({ url, params, signature })) {
    return { ok: false, status: 403, reason: "signature does not match" };
  }
  if (params.AccountSid !== config.accountSid) return { ok: false, status: 403, reason: "AccountSid is not ours" };
  return { ok: true, params: withoutNul(params), url, query: arrived.searchParams };
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb. A signed request that carries one is still
 * Twilio's (the signature was checked over the raw values), so it is kept with each NUL replaced
 * by U+FFFD instead of failing on every retry.
 */
function withoutNul(params: Record<string, string>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) clean[key.replaceAll("\0", "\uFFFD")] = value.replaceAll("\0", "\uFFFD");
  return clean;
}
