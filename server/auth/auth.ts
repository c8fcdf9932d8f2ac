import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { nextCookies } from "better-auth/next-js";
import { accounts, sessions, users, verifications } from "@/db/schema";
import { env } from "../config/env";
import { db } from "../db";
import { authSecret } from "./secret";

export const PASSWORD_MIN_LENGTH = 8;

function createAuth() {
  const config = env();
  return betterAuth({
    appName: "BuildOS SMS",
    baseURL: config.PUBLIC_URL,
    secret: authSecret(config.BETTER_AUTH_SECRET),
    database: drizzleAdapter(db(), {
      provider: "pg",
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
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

const key = Symbol.for("buildos-sms.auth");
type Holder = { [key]?: Auth };

export function auth(): Auth {
  const holder = globalThis as Holder;
  holder[key] ??= createAuth();
  return holder[key];
}

export type SessionUser = { id: string; email: string; name: string; role: "user" | "admin" };

/** The signed-in user for these request headers, or null. */
export async function sessionUser(headers: Headers): Promise<SessionUser | null> {
  const session = await auth().api.getSession({ headers });
  if (!session) return null;
  const { id, email, name, role } = session.user;
  return { id, email, name, role: role === "admin" ? "admin" : "user" };
}
