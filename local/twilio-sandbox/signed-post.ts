import { computeTwilioSignature } from "./signature";

export interface SignedPostResult {
  status: number;
  body: string;
}

/** POSTs a form the way Twilio calls webhooks: urlencoded, signed with X-Twilio-Signature. */
export async function postSignedForm(
  url: string,
  params: Record<string, string>,
  options: { authToken: string; timeoutMs: number; signal: AbortSignal; idempotencyToken: string },
): Promise<SignedPostResult> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": computeTwilioSignature(options.authToken, url, params),
      "I-Twilio-Idempotency-Token": options.idempotencyToken,
      "User-Agent": "TwilioProxy/1.1",
    },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
  });
  return { status: response.status, body: await response.text() };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
