import { z } from "zod";

/**
 * Failures switchable at run time through POST /__sandbox/faults.
 * Counters ("next N") apply to message creation only; latency applies to every Twilio route.
 */
export const faultsSchema = z.object({
  /** Next N message creates answer HTTP 500 (nothing is created). */
  serverErrors: z.number().int().min(0),
  /** Next N message creates answer HTTP 429 with Retry-After (nothing is created). */
  rateLimits: z.number().int().min(0),
  retryAfterSeconds: z.number().int().min(0),
  /** Next N message creates succeed, then the socket is destroyed before the response: the ambiguous case. */
  dropConnections: z.number().int().min(0),
  /** Next N message creates are accepted, then expire in the sender queue: `failed` with 30036, never sent. */
  validityExpiries: z.number().int().min(0),
  /** Added before every Twilio API response (after the work is done, so a client timeout is ambiguous). */
  latencyMs: z.number().int().min(0),
  /** Every status callback is POSTed twice. */
  duplicateCallbacks: z.boolean(),
  /** The `sent` callback is held back and POSTed after the final one (delivered/undelivered). */
  outOfOrderCallbacks: z.boolean(),
  /**
   * The next N messages that reach a final status get one more callback `lateCallbackDelayMs`
   * after it: an earlier status (`sent`, or `queued` for a text that never left the queue)
   * arriving after the final one, as a carrier's late report does.
   */
  lateCallbacks: z.number().int().min(0),
  lateCallbackDelayMs: z.number().int().min(0).max(3_600_000),
});

export type Faults = z.infer<typeof faultsSchema>;

export const faultsPatchSchema = faultsSchema.partial().strict();
export type FaultsPatch = z.infer<typeof faultsPatchSchema>;

export function noFaults(): Faults {
  return {
    serverErrors: 0,
    rateLimits: 0,
    retryAfterSeconds: 1,
    dropConnections: 0,
    validityExpiries: 0,
    latencyMs: 0,
    duplicateCallbacks: false,
    outOfOrderCallbacks: false,
    lateCallbacks: 0,
    lateCallbackDelayMs: 5_000,
  };
}

/** Takes one from a "next N" counter; true when the fault fires for this request. */
export function consume(faults: Faults, name: "serverErrors" | "rateLimits" | "dropConnections" | "validityExpiries" | "lateCallbacks"): boolean {
  if (faults[name] <= 0) return false;
  faults[name] -= 1;
  return true;
}
