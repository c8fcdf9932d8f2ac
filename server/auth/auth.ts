import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { nextCookies } from "better-auth/next-js";
import type { Db } from "@/db/client";
import { accounts, sessions, users, verifications } from "@/db/schema";
import { env, type Env } from "../config/env";
import { db } from "../db";
import { processSingleton } from "../process-singleton";
import { authSecret } from "./secret";

export const PASSWORD_MIN_LENGTH = 8;

/**
 * How long a signed-in request may trust the signed session copy in its cookie instead of
 * reading the session from the database. A session deleted elsewhere or a changed role can
 * stay visible for this long; sign-out clears the copy at once, and admin checks always read
 * the database (`sessionUser(headers, { fresh: true })`, server/auth/session.ts).
 */
export const SESSION_CACHE_SECONDS = 30;

export function createAuth(database: Db, config: Env) {
  return betterAuth({
    appName: "BuildOS SMS",
    baseURL: config.PUBLIC_URL,
    secret: authSecret(config.BETTER_AUTH_SECRET),
    database: drizzleAdapter(database, {
      provider: "pg",
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
    session: { cookieCache: { enabled: true, maxAge: SESSION_CACHE_SECONDS } },
    emailAndPassword: { enabled: true, minPasswordLength: PASSWORD_MIN_LENGTH, maxPasswordLength: 128 },
    user: {
      // `input: false`: nobody can sign themselves up as an admin.
      additionalFields: { role: { type: "string", required: false, defaultValue: "user", input: false } },
    },
    trustedOrigins: [config.PUBLIC_URL],
    // Sign-in and sign-up per client IP, in every environment (better-auth only limits production by default).
    rateLimit: {
      enabled: true,
      window: 60,
      max: 100,
      customRules: {
        "/sign-in/email": { window: 60, max: config.AUTH_RATE_LIMIT_PER_MINUTE },
        "/sign-up/email": { window: 60, max: config.AUTH_RATE_LIMIT_PER_MINUTE },
      },
    },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** The app's auth, over the process's database and configuration. */
export const auth = processSingleton("auth", () => createAuth(db(), env()));

export type SessionUser = { id: string; email: string; name: string; role: "user" | "admin" };
