import { sessionUser } from "../auth/auth";
import { db } from "../db";
import { appJobs } from "../jobs/inngest-client";
import { requestLogger } from "../logger";

export async function createContext({ headers }: { headers: Headers }) {
  const { requestId, log } = requestLogger(headers);
  return { db: db(), jobs: appJobs(), user: await sessionUser(headers), requestId, log, headers };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
