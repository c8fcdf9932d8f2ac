import type { Db } from "@/db/client";
import { env } from "../config/env";
import { db } from "../db";
import { auth, type Auth } from "./auth";

/** What the auth adapters (the /api/auth route, the sign-in and sign-up forms) work with. */
export interface AuthDeps {
  db: Db;
  auth: Pick<Auth, "handler" | "api">;
  trustProxy: boolean;
  attemptsPerMinute: number;
}

export function appAuthDeps(): AuthDeps {
  const config = env();
  return { db: db(), auth: auth(), trustProxy: config.TRUST_PROXY, attemptsPerMinute: config.AUTH_RATE_LIMIT_PER_MINUTE };
}
