import type { Db } from "@/db/client";
import { env } from "../config/env";
import { db } from "../db";
import type { AttemptLimitSettings } from "./attempt-limits";
import { auth, type Auth } from "./auth";
import { processSingleton } from "../process-singleton";
import { authSecret } from "./secret";

/** Read once per process (with BETTER_AUTH_SECRET unset it lives in a file). */
const secret = processSingleton("auth-secret", () => authSecret(env().BETTER_AUTH_SECRET));

/** What the auth adapters (the /api/auth route, the sign-in and sign-up forms) work with. */
export interface AuthDeps extends AttemptLimitSettings {
  db: Db;
  auth: Pick<Auth, "handler" | "api">;
  /** TRUST_PROXY: how many proxies of ours stand in front (server/http/client-address.ts). */
  trustedProxies: number;
  /** PUBLIC_URL is https: the device cookie is Secure. */
  secureCookies: boolean;
}

export function appAuthDeps(): AuthDeps {
  const config = env();
  return {
    db: db(),
    auth: auth(),
    trustedProxies: config.TRUST_PROXY,
    attemptsPerMinute: config.AUTH_RATE_LIMIT_PER_MINUTE,
    globalPerMinute: config.AUTH_GLOBAL_PER_MINUTE,
    secret: secret(),
    secureCookies: new URL(config.PUBLIC_URL).protocol === "https:",
  };
}
