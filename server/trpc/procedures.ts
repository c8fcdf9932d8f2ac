import { TRPCError } from "@trpc/server";
import type { AdminActor, ServiceContext, UserActor } from "../service-context";
import { errorMapping, t } from "./init";

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(errorMapping);

/** Signed-in users; narrows `ctx.user` to non-null and acts as that user (`ctx.service`). */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  const service: ServiceContext<UserActor> = { db: ctx.db, jobs: ctx.jobs, actor: { type: "user", userId: ctx.user.id } };
  return next({ ctx: { ...ctx, user: ctx.user, service } });
});

/** Admins only: a signed-in non-admin gets FORBIDDEN (403), never UNAUTHORIZED. */
export const adminProcedure = protectedProcedure.use(({ ctx, next, path }) => {
  if (ctx.user.role !== "admin") {
    throw new TRPCError({ code: "FORBIDDEN", message: "This needs an admin account." });
  }
  const service: ServiceContext<AdminActor> = { ...ctx.service, actor: { type: "admin", userId: ctx.user.id } };
  return next({ ctx: { ...ctx, service, log: ctx.log.child({ admin: ctx.user.id, path }) } });
});
