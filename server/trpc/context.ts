import { sessionUser } from "../auth/session";
import { env } from "../config/env";
import { db } from "../db";
import { clientAddress } from "../http/client-address";
import { appJobs } from "../jobs/inngest-client";
import { liveHub } from "../live/hub";
import { requestLogger, type Logger } from "../logger";
import { appVerificationDeps } from "../verification/app-verification-deps";

export async function createContext({ headers }: { headers: Headers }) {
  let log: Logger | undefined;
  return {
    db: db(),
    jobs: appJobs(),
    /** From the session cookie cache when it is fresh (see SESSION_CACHE_SECONDS): no database read. */
    user: await sessionUser(headers),
    /** The user as the database has it now, for admin checks (a revoked session or a lost role fails at once). */
    freshUser: () => sessionUser(headers, { fresh: true }),
    /** This request's logger (with its request id), made on first use: most requests log nothing. */
    log: () => (log ??= requestLogger(headers).log),
    headers,
    verification: appVerificationDeps(clientAddress(headers, env().TRUST_PROXY)),
    /** The process's LISTEN on the database's change announcements (live pages). */
    live: liveHub(),
  };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
