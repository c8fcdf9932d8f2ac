import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import { DomainError } from "../errors";
import type { Context } from "./context";

export const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const domain = error.cause instanceof DomainError ? error.cause : undefined;
    const fieldErrors = error.cause instanceof z.ZodError ? z.flattenError(error.cause).fieldErrors : undefined;
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    return {
      ...shape,
      message: internal ? "Something went wrong on our side. Please try again." : shape.message,
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
    ctx.log.error({ err: cause ?? result.error, path }, "unhandled error in procedure");
  }
  return result;
});
