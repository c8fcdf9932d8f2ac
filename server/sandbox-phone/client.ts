import { crossBundleError } from "../cross-bundle";
import { z } from "zod";

/**
 * A small client for the local Twilio sandbox's own JSON API (`/__sandbox/`, see the sandbox's
 * README), used only by the admin console's sandbox phone. It speaks HTTP to the configured
 * sandbox URL and never imports the sandbox's code. Only the fields the console shows are read.
 */
const messageSchema = z.object({
  sid: z.string(),
  to: z.string(),
  from: z.string().nullable(),
  body: z.string(),
  status: z.string(),
  direction: z.string(),
  date_created: z.string(),
  error_code: z.number().nullable(),
});

const verificationSchema = z.object({
  to: z.string(),
  code: z.string(),
  status: z.string(),
  dateCreated: z.coerce.date(),
  expiresAt: z.coerce.date(),
});

const sandboxFaultsSchema = z.object({
  serverErrors: z.number(),
  rateLimits: z.number(),
  retryAfterSeconds: z.number(),
  dropConnections: z.number(),
});

const stateSchema = z.object({
  messages: z.array(messageSchema),
  verifications: z.array(verificationSchema),
  optedOut: z.array(z.string()),
  faults: sandboxFaultsSchema.passthrough(),
});

const inboundSchema = z.object({
  messageSid: z.string(),
  responseStatus: z.number().nullable(),
  replies: z.array(z.string()),
  error: z.string().nullable(),
});

export type SandboxMessage = z.infer<typeof messageSchema>;
export type SandboxFaults = z.infer<typeof sandboxFaultsSchema>;

export class SandboxUnavailableError extends crossBundleError("SandboxUnavailableError") {}

export function sandboxClient(baseUrl: string, fetchImpl: typeof fetch = fetch) {
  async function call<T>(path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl.replace(/\/+$/, "")}/__sandbox/${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
    } catch (error) {
      throw new SandboxUnavailableError(`The Twilio sandbox at ${baseUrl} is not answering (${error instanceof Error ? error.message : "no answer"})`);
    }
    if (!response.ok) throw new SandboxUnavailableError(`The Twilio sandbox answered ${response.status} to ${path}`);
    return schema.parse(await response.json());
  }
  return {
    state: () => call("state", stateSchema),
    /** A text from `from` to the app, delivered (signed) to the app's inbound webhook. */
    inbound: (input: { from: string; body: string }) => call("inbound", inboundSchema, input),
    setFaults: (patch: Partial<SandboxFaults>) => call("faults", z.object({ faults: sandboxFaultsSchema.passthrough() }), patch),
  };
}

export type SandboxClient = ReturnType<typeof sandboxClient>;
