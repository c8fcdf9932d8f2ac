import { randomUUID } from "node:crypto";
import { sessionUser } from "../auth/auth";
import { db } from "../db";
import { logger } from "../logger";

export async function createContext({ headers }: { headers: Headers }) {
  const requestId = headers.get("x-request-id") ?? randomUUID();
  return {
    db: db(),
    user: await sessionUser(headers),
    requestId,
    log: logger.child({ requestId }),
    headers,
  };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
