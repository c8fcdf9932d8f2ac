import { sessionUser } from "../auth/auth";
import { env } from "../config/env";
import { db } from "../db";
import { clientAddress } from "../http/client-address";
import { appJobs } from "../jobs/inngest-client";
import { requestLogger } from "../logger";
import { appVerificationDeps } from "../verification/app-deps";

export async function createContext({ headers }: { headers: Headers }) {
  const { requestId, log } = requestLogger(headers);
  return {
    db: db(),
    jobs: appJobs(),
    user: await sessionUser(headers),
    requestId,
    log,
    headers,
    verification: appVerificationDeps(clientAddress(headers, env().TRUST_PROXY)),
  };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
