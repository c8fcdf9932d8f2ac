import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import { DomainError } from "../errors";
import type { Context } from "./context";

/**
 * The message a caller may see. Ours (domain errors, input validation, errors we raise with a
 * message of our own) pass through; a message that came from anything else — a library, the
 * runtime ("Maximum call stack size exceeded" while reading a deeply nested input), the
 * database — is replaced by a generic one, since it can say things about our internals.
 */
function publicMessage(error: TRPCError, message: string): string {
  if (error.code === "INTERNAL_SERVER_ERROR") return "Something went wrong on our side. Please try again.";
  const cause = error.cause;
  if (cause === undefined || cause instanceof DomainError || cause instanceof z.ZodError) return message;
  return "The request could not be read. Check its format and try again.";
}

export const t = initTRPC.context<Context>().create({
  transformer: superjson,
  sse: {
    // A comment every 15 s keeps proxies from closing an idle stream; the client reconnects when
    // it hears nothing for 40 s (a stream dead without a close, e.g. a vanished network).
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
    // No stream lives forever: after 15 minutes the server ends it and the client opens a new one
    // (which re-checks the session and role), so a revoked admin stops hearing changes.
    maxDurationMs: 15 * 60_000,
  },
  errorFormatter({ shape, error }) {
    const domain = error.cause instanceof DomainError ? error.cause : undefined;
    const fieldErrors = error.cause instanceof z.ZodError ? z.flattenError(error.cause).fieldErrors : undefined;
    return {
      ...shape,
      message: publicMessage(error, shape.message),
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        field: domain?.field ?? null,
        /** Seconds to wait before trying again (rate limits), so the form can count down. */
        retryAfterSeconds: domain?.retryAfterSeconds ?? null,
        fieldErrors: fieldErrors ?? (domain?.field ? { [domain.field]: [domain.message] } : null),
      },
    };
  },
});

/** Turns domain errors into tRPC errors and logs (but hides) everything unexpected. */
export const errorMapping = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof DomainError) {
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  if (result.error.code === "INTERNAL_SERVER_ERROR") {
    ctx.log().error({ err: cause ?? result.error, path }, "unhandled error in procedure");
  }
  return result;
});
