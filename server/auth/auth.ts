import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import type { Db } from "@/db/client";
import { accounts, sessions, users, verifications } from "@/db/schema";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/common/limits";
import { env } from "../config/env";
import { db } from "../db";
import { CLIENT_ADDRESS_HEADER } from "../http/client-address";
import { allowedOrigins } from "../http/origins";
import { logger } from "../logger";
import { processSingleton } from "../process-singleton";
import { signUpSchema, userNameSchema } from "./credentials";
import { weakPasswordReason } from "./password-strength";
import { authSecret } from "./secret";

/**
 * How long a signed-in request may trust the signed session copy in its cookie instead of
 * reading the session from the database. A session deleted elsewhere or a changed role can
 * stay visible for this long; sign-out clears the copy at once, and admin checks always read
 * the database (`sessionUser(headers, { fresh: true })`, server/auth/session.ts).
 */
export const SESSION_CACHE_SECONDS = 30;

export interface AuthConfig {
  db: Db;
  publicUrl: string;
  secret: string;
}

function refuse(field: "name" | "email" | "password", message: string, code = "INVALID_INPUT"): never {
  throw new APIError("BAD_REQUEST", { code, message, field });
}

/**
 * Our input rules on better-auth's own endpoints, so they hold whoever calls them (the forms,
 * the API, `auth.api.*`): bounded, clean names and emails, and no easily guessed passwords.
 */
const inputRules = createAuthMiddleware(async (ctx) => {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  if (ctx.path === "/sign-up/email") {
    const parsed = signUpSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      refuse(issue.path[0] as "name" | "email" | "password", issue.message);
    }
    const weak = weakPasswordReason(parsed.data.password, parsed.data);
    if (weak) refuse("password", weak, "PASSWORD_TOO_WEAK");
    // What better-auth stores is what we checked (trimmed).
    return { context: { body: { ...body, name: parsed.data.name, email: parsed.data.email } } };
  }
  if (ctx.path === "/update-user" && "name" in body) {
    const name = userNameSchema.safeParse(body.name);
    if (!name.success) refuse("name", name.error.issues[0]!.message);
  }
  if (PASSWORD_SETTING_PATHS.has(ctx.path) && typeof body.newPassword === "string") {
    const weak = weakPasswordReason(body.newPassword, (await passwordOwner(ctx, body)) ?? {});
    if (weak) refuse("password", weak, "PASSWORD_TOO_WEAK");
  }
});

/** Endpoints that set a password for an existing account (sign-up is checked above). */
const PASSWORD_SETTING_PATHS = new Set(["/change-password", "/reset-password", "/set-password"]);

type AuthMiddlewareContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

/**
 * Whose password is being set, so it is judged against their email and name: the signed-in user
 * for a change, the user the reset token was issued to for a reset. (better-auth itself refuses
 * a missing session or a bad token right after; then there is nothing to compare with.)
 */
async function passwordOwner(ctx: AuthMiddlewareContext, body: Record<string, unknown>): Promise<{ email: string; name: string } | null> {
  if (ctx.path !== "/reset-password") {
    const session = await getSessionFromCtx(ctx).catch(() => null);
    return session?.user ?? null;
  }
  const token = typeof body.token === "string" ? body.token : typeof ctx.query?.token === "string" ? ctx.query.token : null;
  if (!token) return null;
  const verification = await ctx.context.internalAdapter.findVerificationValue(`reset-password:${token}`);
  return verification ? await ctx.context.internalAdapter.findUserById(verification.value) : null;
}

export function createAuth(config: AuthConfig) {
  return betterAuth({
    appName: "BuildOS SMS",
    baseURL: config.publicUrl,
    secret: config.secret,
    database: drizzleAdapter(config.db, {
      provider: "pg",
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
    session: { cookieCache: { enabled: true, maxAge: SESSION_CACHE_SECONDS } },
    emailAndPassword: { enabled: true, minPasswordLength: PASSWORD_MIN_LENGTH, maxPasswordLength: PASSWORD_MAX_LENGTH },
    user: {
      // `input: false`: nobody can sign themselves up as an admin.
      additionalFields: { role: { type: "string", required: false, defaultValue: "user", input: false } },
    },
    trustedOrigins: allowedOrigins(config.publicUrl),
    // Rate limits are ours (server/auth/attempt-limits.ts): keyed on an address we believe, kept
    // in the database for every instance, plus a per-account limit on failed sign-ins.
    // better-auth's own limiter would key on X-Forwarded-For, which the client chooses.
    rateLimit: { enabled: false },
    // The only address header better-auth reads (for the sessions it records) is the one our
    // handlers set from the believed client address.
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
    hooks: { before: inputRules },
    // Through our logger, so its redaction applies (better-auth logs adapter errors whole).
    logger: {
      log: (level, message, ...args) =>
        logger[level]({ component: "better-auth", details: args }, message),
    },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** The app's auth, over the process's database and configuration. */
export const auth = processSingleton("auth", () => {
  const config = env();
  return createAuth({ db: db(), publicUrl: config.PUBLIC_URL, secret: authSecret(config.BETTER_AUTH_SECRET) });
});

export type SessionUser = { id: string; email: string; name: string; role: "user" | "admin" };
