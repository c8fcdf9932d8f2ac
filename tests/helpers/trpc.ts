import type { Db } from "@/db/client";
import type { SessionUser } from "@/server/auth/auth";
import { logger } from "@/server/logger";
import type { Context } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";

/**
 * A request context as `user` (or anonymous). `freshUser` is what a database read of the
 * session gives now (admin checks use it); by default the same user.
 */
export function testContext(
  db: Db,
  user: SessionUser | null,
  freshUser: () => Promise<SessionUser | null> = async () => user,
): Context {
  return { db, user, freshUser, requestId: "test", log: logger.child({ test: true }), headers: new Headers() };
}

/** A tRPC caller with the real routers and middleware, as `user` (or anonymous). */
export function callerFor(db: Db, user: SessionUser | null, freshUser?: () => Promise<SessionUser | null>) {
  return createCaller(testContext(db, user, freshUser));
}
