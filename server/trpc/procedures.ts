import { TRPCError } from "@trpc/server";
import { errorMapping, t } from "./init";

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(errorMapping);

/** Signed-in users; narrows `ctx.user` to non-null. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Admins only: a signed-in non-admin gets FORBIDDEN (403), never UNAUTHORIZED. */
export const adminProcedure = protectedProcedure.use(({ ctx, next, path }) => {
  if (ctx.user.role !== "admin") {
    throw new TRPCError({ code: "FORBIDDEN", message: "This needs an admin account." });
  }
  return next({ ctx: { ...ctx, log: ctx.log.child({ admin: ctx.user.id, path }) } });
});
