import type { Db } from "@/db/client";
import type { SessionUser } from "@/server/auth/auth";
import type { JobSender } from "@/server/jobs/define";
import { logger } from "@/server/logger";
import type { Context } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/root";
import { recordingJobs } from "./jobs";

/**
 * The request context a procedure would get for `user` (or anonymous), on a test database.
 * `freshUser` is what a database read of the session gives now (admin checks use it); by
 * default the same user.
 */
export function testContext(
  db: Db,
  user: SessionUser | null,
  jobs: JobSender = recordingJobs(),
  freshUser: () => Promise<SessionUser | null> = async () => user,
): Context {
  return { db, jobs, user, freshUser, requestId: "test", log: logger.child({ test: true }), headers: new Headers() };
}

/** A tRPC caller with the real routers and middleware, as `user` (or anonymous). */
export function callerFor(db: Db, user: SessionUser | null, jobs?: JobSender, freshUser?: () => Promise<SessionUser | null>) {
  return createCaller(testContext(db, user, jobs, freshUser));
}
