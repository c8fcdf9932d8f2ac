import { crossBundleError } from "../../cross-bundle";

/**
 * One error type for every provider failure, with the decision the caller needs:
 * - retryable: nothing happened at Twilio; try again later (honour retryAfterMs);
 * - permanent: retrying cannot help (bad number, opted out, body too long, ...);
 * - ambiguous: the request may have reached Twilio; never re-send blindly, reconcile.
 */
export type ProviderErrorKind = "retryable" | "permanent" | "ambiguous";

export interface FailureFacts {
  /** HTTP status of Twilio's answer, when there was one. */
  httpStatus?: number;
  /** Twilio error code from the answer body, or a delivery error code. */
  code?: number;
  /** Raw Retry-After header (seconds or HTTP date). */
  retryAfter?: string | null;
  /** Node/axios error code when no answer came (ECONNREFUSED, ECONNRESET, ECONNABORTED...). */
  networkErrorCode?: string;
  /** Whether the request had been fully written before the connection failed. */
  requestSent?: boolean;
  /** GET and other requests that are safe to repeat. */
  idempotent?: boolean;
  /** Reference time for an HTTP-date Retry-After. */
  now?: Date;
}

export interface FailureClassification {
  kind: ProviderErrorKind;
  reason: string;
  retryAfterMs?: number;
}

/**
 * Why Twilio refused to send a verification code, for the refusals the user can act on (the
 * verification service words each one); any other failure to send a code is an internal error.
 */
/** Why Verify would not send a code (the dashboard counts each; server/verification/refusals.ts words them). */
export type VerifyRefusal = "max_sends" | "busy" | "invalid_number" | "geo_permission" | "fraud_guard" | "landline";

interface KnownCode {
  kind: ProviderErrorKind;
  reason: string;
  /** What the code means when Verify answers it to a request to send a code. */
  verify?: VerifyRefusal;
}

const permanent = (reason: string, verify?: VerifyRefusal): KnownCode => ({ kind: "permanent", reason, ...(verify && { verify }) });
const retryable = (reason: string, verify?: VerifyRefusal): KnownCode => ({ kind: "retryable", reason, ...(verify && { verify }) });

/** Twilio codes we act on. Anything else falls back to its HTTP status. */
export const TWILIO_ERROR_CODES: Readonly<Record<number, KnownCode>> = {
  20003: permanent("Twilio rejected the credentials"),
  20404: permanent("not found at Twilio"),
  20429: retryable("Twilio rate limit", "busy"),
  20500: retryable("Twilio internal error"),
  21211: permanent("invalid phone number", "invalid_number"),
  21212: permanent("invalid sender number"),
  21408: permanent("SMS to this region is not enabled", "geo_permission"),
  21602: permanent("message body is empty"),
  21603: permanent("no sender given"),
  21604: permanent("recipient missing"),
  21606: permanent("sender number not usable by this account"),
  21610: permanent("recipient opted out (replied STOP)"),
  21611: retryable("sender queue is full"),
  21612: permanent("number not reachable from this sender"),
  21614: permanent("not a mobile number", "invalid_number"),
  21617: permanent("message body over 1,600 characters"),
  21705: permanent("invalid Messaging Service"),
  30001: retryable("carrier queue overflow"),
  30002: permanent("Twilio account suspended"),
  30003: permanent("handset unreachable (off or out of coverage)"),
  30004: permanent("message blocked by the recipient or carrier"),
  30005: permanent("unknown or inactive number"),
  30006: permanent("landline or unreachable carrier"),
  30007: permanent("filtered by the carrier as spam"),
  30008: permanent("unknown delivery error"),
  30034: permanent("sender not registered for A2P 10DLC"),
  30036: permanent("validity period expired before Twilio could send it"),
  30409: permanent("message can no longer be canceled"),
  90007: permanent("validity period outside 1 to 36,000 seconds"),
  35111: permanent("scheduled send time missing"),
  35114: permanent("scheduled send time outside 15 minutes to 35 days"),
  35115: permanent("scheduled send time not accepted"),
  35118: permanent("scheduling needs a Messaging Service"),
  35126: permanent("unsupported schedule type"),
  60200: permanent("invalid verification request", "invalid_number"),
  60202: permanent("too many code checks; wait for the code to expire"),
  60203: permanent("too many codes sent; wait for the code to expire", "max_sends"),
  60205: permanent("SMS is not supported by a landline number", "landline"),
  60212: retryable("too many concurrent verifications for this number", "busy"),
  60410: permanent("verification blocked as suspected fraud", "fraud_guard"),
  60605: permanent("verification to this country is blocked", "geo_permission"),
};

/** Failures where the connection never carried the request. */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export function classifyTwilioFailure(facts: FailureFacts): FailureClassification {
  if (facts.httpStatus === undefined) return classifyNetworkFailure(facts);

  const known = facts.code === undefined ? undefined : TWILIO_ERROR_CODES[facts.code];
  const retryAfterMs = parseRetryAfter(facts.retryAfter, facts.now ?? new Date());
  if (known) return withRetryAfter(known, retryAfterMs);
  if (facts.httpStatus === 429) return withRetryAfter(retryable("rate limited by Twilio"), retryAfterMs);
  if (facts.httpStatus >= 500) return withRetryAfter(retryable(`Twilio answered HTTP ${facts.httpStatus}`), retryAfterMs);
  if (facts.httpStatus >= 400) return permanent(`Twilio refused the request (HTTP ${facts.httpStatus})`);
  return { kind: "ambiguous", reason: `unexpected HTTP ${facts.httpStatus} from Twilio` };
}

function classifyNetworkFailure(facts: FailureFacts): FailureClassification {
  const what = facts.networkErrorCode ?? "network error";
  if ((facts.networkErrorCode && NEVER_SENT.has(facts.networkErrorCode)) || facts.requestSent === false) {
    return retryable(`could not reach Twilio (${what})`);
  }
  if (facts.idempotent) return retryable(`connection to Twilio failed (${what})`);
  return { kind: "ambiguous", reason: `no answer from Twilio after the request was sent (${what})` };
}

function withRetryAfter({ kind, reason }: KnownCode, retryAfterMs: number | undefined): FailureClassification {
  return kind === "retryable" && retryAfterMs !== undefined ? { kind, reason, retryAfterMs } : { kind, reason };
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** What a failure to send a verification code means for the user, when it is one they can act on. */
export function verifyRefusalOf(error: unknown): VerifyRefusal | undefined {
  if (!(error instanceof ProviderError) || error.code === undefined) return undefined;
  return TWILIO_ERROR_CODES[error.code]?.verify;
}

/** Human reason for a Twilio error or delivery error code, when known. */
export function describeTwilioCode(code: number | null | undefined): string | null {
  if (code === null || code === undefined) return null;
  return TWILIO_ERROR_CODES[code]?.reason ?? null;
}

export class ProviderError extends crossBundleError("ProviderError") {
  readonly kind: ProviderErrorKind;
  readonly reason: string;
  readonly code?: number;
  readonly httpStatus?: number;
  readonly retryAfterMs?: number;

  constructor(init: {
    message: string;
    kind: ProviderErrorKind;
    reason: string;
    code?: number;
    httpStatus?: number;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.kind = init.kind;
    this.reason = init.reason;
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.retryAfterMs = init.retryAfterMs;
  }

  static fromFacts(facts: FailureFacts, message: string, cause?: unknown): ProviderError {
    const { kind, reason, retryAfterMs } = classifyTwilioFailure(facts);
    return new ProviderError({
      message,
      kind,
      reason,
      code: facts.code,
      httpStatus: facts.httpStatus,
      retryAfterMs,
      cause,
    });
  }
}

/** A webhook payload that is not a well-formed status callback (answer 400, change nothing). */
export class InvalidStatusCallbackError extends crossBundleError("InvalidStatusCallbackError") {}
