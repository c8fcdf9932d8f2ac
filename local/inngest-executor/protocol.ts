import { z } from "zod";

// Wire shapes of the Inngest SDK protocol (inngest@4.24, async mode with checkpointing, as Inngest
// runs v4 SDKs). Unknown keys are ignored.

export type SerializedError = { name: string; message: string; stack?: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Turns what an SDK returned (or a fetch failure) into `{name, message, stack?}`. */
export function toSerializedError(value: unknown, fallbackMessage = "Unknown error"): SerializedError {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === "string" && value !== "") return { name: "Error", message: value };
  if (!isRecord(value)) return { name: "Error", message: fallbackMessage };
  const name = typeof value.name === "string" ? value.name : "Error";
  // A StepNotFound-style 500 carries its text in `error`, function errors in `message`.
  const message =
    typeof value.message === "string" ? value.message : typeof value.error === "string" ? value.error : fallbackMessage;
  return typeof value.stack === "string" ? { name, message, stack: value.stack } : { name, message };
}

/** A step memo as the SDK accepts it. Never `{}`: the SDK parses that as an unknown error. */
export type Memo = { data: unknown } | { error: SerializedError };

export const OP = {
  StepRun: "StepRun",
  StepError: "StepError",
  StepFailed: "StepFailed",
  StepPlanned: "StepPlanned",
  Sleep: "Sleep",
  WaitForEvent: "WaitForEvent",
  InvokeFunction: "InvokeFunction",
  RunComplete: "RunComplete",
  DiscoveryRequest: "DiscoveryRequest",
} as const;

export const opSchema = z.object({
  op: z.string(),
  id: z.string(),
  name: z.string().nullish(),
  displayName: z.string().nullish(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
  opts: z.record(z.string(), z.unknown()).nullish(),
});
export type Op = z.infer<typeof opSchema>;
export const opsSchema = z.array(opSchema);

export const waitForEventOptsSchema = z.object({
  event: z.string().optional(),
  if: z.string().nullish(),
  timeout: z.string().nullish(),
});

export const invokeOptsSchema = z.object({
  function_id: z.string(),
  payload: z.object({ data: z.unknown().optional(), v: z.string().nullish() }).loose().nullish(),
  timeout: z.string().nullish(),
});

// ---- events ----

export const incomingEventSchema = z.object({
  name: z.string().min(1),
  data: z.record(z.string(), z.unknown()).nullish(),
  id: z.string().min(1).nullish(),
  ts: z.number().nullish(),
  user: z.unknown().optional(),
  v: z.string().nullish(),
});
export type IncomingEvent = z.infer<typeof incomingEventSchema>;

/** An event as stored and handed to functions. `id` is the user's id when given, else the ULID. */
export type StoredEvent = {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  user?: unknown;
  v?: string;
};

export const storedEventSchema = z.object({
  id: z.string(),
  name: z.string(),
  data: z.record(z.string(), z.unknown()),
  ts: z.number(),
  user: z.unknown().optional(),
  v: z.string().optional(),
});

export const INTERNAL_EVENTS = {
  functionFailed: "inngest/function.failed",
  functionFinished: "inngest/function.finished",
  functionCancelled: "inngest/function.cancelled",
  functionInvoked: "inngest/function.invoked",
  scheduledTimer: "inngest/scheduled.timer",
} as const;

// ---- call requests ----

export type CallRequestBody = {
  event: StoredEvent;
  events: StoredEvent[];
  steps: Record<string, Memo>;
  ctx: {
    run_id: string;
    attempt: number;
    max_attempts: number;
    disable_immediate_execution: boolean;
    use_api: false;
    stack: { stack: string[]; current: number };
    /** The function and the queue item (call job) of this call: sending both turns on checkpointing. */
    fn_id: string;
    qi_id: string;
  };
};

/** POST /v1/checkpoint/{runId}/async: the steps a call ran, sent while the call is still open. */
export const checkpointRequestSchema = z.object({
  run_id: z.string(),
  fn_id: z.string(),
  qi_id: z.string(),
  steps: opsSchema,
});
export type CheckpointRequest = z.infer<typeof checkpointRequestSchema>;

/** The stepId of a discovery call (the SDK's `InngestFunction.stepId`). */
export const DISCOVERY_STEP_ID = "step";
