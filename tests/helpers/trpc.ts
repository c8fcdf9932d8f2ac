import type { Db } from "@/db/client";
import type { SessionUser } from "@/server/auth/auth";
import { logger } from "@/server/logger";
import { createCaller } from "@/server/trpc/root";

/** A tRPC caller with the real routers and middleware, as `user` (or anonymous). */
export function callerFor(db: Db, user: SessionUser | null) {
  return createCaller({
    db,
    user,
    requestId: "test",
    log: logger.child({ test: true }),
    headers: new Headers(),
  });
}
