import { canonicalJson, SIGNATURE_HEADER, signatureFor } from "./signing";
import { opsSchema, toSerializedError, type CallRequestBody, type Op, type SerializedError } from "./protocol";
import { parseRetryAfter } from "./time";

// One call request to the app's serve() endpoint, and how its answer reads (protocol §4b).

export type CallOutcome =
  | { kind: "completed"; output: unknown }
  | { kind: "ops"; ops: Op[]; retryAtMs: number | null }
  | {
      kind: "error";
      error: SerializedError;
      retriable: boolean;
      retryAtMs: number | null;
      status: number | null;
      /** No connection at all (app down or restarting): retried without using up an attempt. */
      unreachable: boolean;
    };

const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN"]);

function errorCode(error: unknown): string | undefined {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

export function callUrl(functionUrl: string, stepId: string): string {
  const url = new URL(functionUrl);
  url.searchParams.set("stepId", stepId);
  return url.href;
}

export async function postCallRequest(
  url: string,
  body: CallRequestBody,
  options: { signal: AbortSignal; timeoutMs: number; nowMs: () => number; signingKey: string },
): Promise<CallOutcome> {
  let response: Response;
  let text: string;
  // Signed as Inngest signs call requests: the app's serve() runs nothing without a valid signature.
  // Real time on purpose: the SDK checks the timestamp against its own clock, not the test clock.
  const payload = canonicalJson(body);
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        // Uncompressed answers: app and executor share a machine, where gzip in the app and gunzip
        // here cost CPU and save nothing (fetch would otherwise ask for gzip).
        "accept-encoding": "identity",
        "x-inngest-server-kind": "dev",
        [SIGNATURE_HEADER]: signatureFor(payload, options.signingKey),
      },
      body: payload,
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
    text = await response.text();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      kind: "error",
      error: { name: "CallRequestError", message: `call to ${url} failed: ${message}` },
      retriable: true,
      retryAtMs: null,
      status: null,
      unreachable: UNREACHABLE_CODES.has(errorCode(error) ?? ""),
    };
  }
  return classifyCallResponse(response.status, response.headers, text, options.nowMs());
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * 200 = the function returned; 206 = ops; anything else is an error, retried unless the SDK says
 * `x-inngest-no-retry: true` (or, without that header, a 4xx other than 408/429).
 */
export function classifyCallResponse(status: number, headers: Headers, text: string, nowMs: number): CallOutcome {
  const body = parseJson(text);
  if (status === 200) return { kind: "completed", output: body.ok ? body.value : text };
  if (status === 206 && body.ok) {
    const ops = opsSchema.safeParse(body.value);
    if (ops.success && ops.data.length === 0) {
      // Nothing to memoize and nothing pending would stall the run: treat it as a failed attempt.
      return {
        kind: "error",
        error: { name: "ProtocolError", message: "206 with an empty op list" },
        retriable: true,
        retryAtMs: null,
        status,
        unreachable: false,
      };
    }
    if (ops.success) {
      return { kind: "ops", ops: ops.data, retryAtMs: parseRetryAfter(headers.get("retry-after"), nowMs) };
    }
    return {
      kind: "error",
      error: { name: "ProtocolError", message: `206 body is not an op array: ${text.slice(0, 300)}` },
      retriable: true,
      retryAtMs: null,
      status,
      unreachable: false,
    };
  }
  // The SDK sends `x-inngest-no-retry` (protocol notes shorten it to "no-retry"; accept both).
  const noRetry = headers.get("x-inngest-no-retry") ?? headers.get("no-retry");
  const retriable =
    noRetry === "true" ? false : noRetry === "false" ? true : status >= 500 || status === 408 || status === 429;
  const fallback = `HTTP ${status}${text ? `: ${text.slice(0, 300)}` : ""}`;
  return {
    kind: "error",
    error: toSerializedError(body.ok ? body.value : text, fallback),
    retriable,
    retryAtMs: parseRetryAfter(headers.get("retry-after"), nowMs),
    status,
    unreachable: false,
  };
}
