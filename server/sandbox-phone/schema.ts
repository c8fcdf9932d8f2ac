import { z } from "zod";
import { multiLineText } from "@/common/text";

/** Inputs of the sandbox phone (client-safe: the page's forms use the same rules). */
export const sandboxReplySchema = z
  .object({
    from: z.string().regex(/^\+[1-9]\d{6,14}$/, "Choose one of the sandbox's numbers"),
    body: multiLineText("Reply", 1_600, { trim: true }).pipe(z.string().min(1, "Type a reply")),
  })
  .strict();

/** The fault switches the console offers: each counts the next N message creates. */
export const sandboxFaultsPatchSchema = z
  .object({
    /** HTTP 429 with Retry-After. */
    rateLimits: z.number().int().min(0).max(100),
    retryAfterSeconds: z.number().int().min(1).max(3_600),
    /** HTTP 500. */
    serverErrors: z.number().int().min(0).max(100),
    /** Accepted by Twilio, then the connection drops before the answer (the ambiguous case). */
    dropConnections: z.number().int().min(0).max(100),
  })
  .partial()
  .strict();

export type SandboxReply = z.infer<typeof sandboxReplySchema>;
export type SandboxFaultsPatch = z.infer<typeof sandboxFaultsPatchSchema>;
