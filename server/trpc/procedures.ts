import { TRPCError } from "@trpc/server";
import type { AdminActor, ServiceContext, UserActor } from "../service-context";
import type { Logger } from "../logger";
import { errorMapping, t } from "./init";

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(errorMapping);

const signInRequired = () => new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });

/** Signed-in users; narrows `ctx.user` to non-null and acts as that user (`ctx.service`). */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw signInRequired();
  const service: ServiceContext<UserActor> = { db: ctx.db, jobs: ctx.jobs, actor: { type: "user", userId: ctx.user.id } };
  return next({ ctx: { ...ctx, user: ctx.user, service } });
});

/**
 * Admins only: a signed-in non-admin gets FORBIDDEN (403), never UNAUTHORIZED. The role is
 * read from the database, not the session cookie cache, so a demoted admin or a revoked
 * session loses access at once.
 */
export const adminProcedure = protectedProcedure.use(async ({ ctx, next, path }) => {
  const user = await ctx.freshUser();
  if (!user) throw signInRequired();
  if (user.role !== "admin") {
    throw new TRPCError({ code: "FORBIDDEN", message: "This needs an admin account." });
  }
  const service: ServiceContext<AdminActor> = { ...ctx.service, actor: { type: "admin", userId: user.id } };
  let log: Logger | undefined;
  return next({ ctx: { ...ctx, user, service, log: () => (log ??= ctx.log().child({ admin: user.id, path })) } });
});
