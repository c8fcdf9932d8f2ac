import { sessionUser } from "../auth/auth";
import { db } from "../db";
import { requestLogger } from "../logger";

export async function createContext({ headers }: { headers: Headers }) {
  const { requestId, log } = requestLogger(headers);
  return { db: db(), user: await sessionUser(headers), requestId, log, headers };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
