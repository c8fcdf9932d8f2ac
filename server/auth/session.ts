import { processSingleton } from "../process-singleton";
import { auth, SESSION_CACHE_SECONDS, type Auth, type SessionUser } from "./auth";

/**
 * Session tokens this process has already verified, with their user, until the verified data
 * is SESSION_CACHE_SECONDS old. A browser sends the same cookies with every request; without
 * this, every signed-in request would check the same two HMACs (with a fresh Web Crypto key
 * import each) and run better-auth's endpoint machinery again for the same answer. Entries
 * never outlive what the cookie cache itself allows (see `trustedUntil`), so this changes no
 * bound in docs/ARCHITECTURE.md ("Auth").
 */
type Verified = { signedToken: string; user: SessionUser; until: number };
const MAX_ENTRIES = 10_000;
const verifiedSessions = processSingleton("verified-sessions", () => new WeakMap<Auth, Map<string, Verified>>());

function verifiedSessionsOf(authInstance: Auth): Map<string, Verified> {
  let verified = verifiedSessions().get(authInstance);
  if (!verified) {
    verified = new Map();
    verifiedSessions().set(authInstance, verified);
  }
  return verified;
}

type CookieNames = { token: string; data: string };
const cookieNamesOf = new WeakMap<Auth, CookieNames>();

async function cookieNames(authInstance: Auth): Promise<CookieNames> {
  let names = cookieNamesOf.get(authInstance);
  if (!names) {
    const { authCookies } = await authInstance.$context;
    names = { token: authCookies.sessionToken.name, data: authCookies.sessionData.name };
    cookieNamesOf.set(authInstance, names);
  }
  return names;
}

/** The request's cookies; null when a session cookie comes twice (then better-auth alone decides). */
function readCookies(headers: Headers, names: CookieNames): Map<string, string> | null {
  const cookies = new Map<string, string>();
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (cookies.has(name) && (name === names.token || name === names.data)) return null;
    cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * Until when a session that better-auth just accepted may be reused without asking it again:
 * as long as the signed copy it may have come from lives (its `expiresAt`), and never more than
 * SESSION_CACHE_SECONDS from now. With no copy, better-auth read the database just now. With a
 * copy this code cannot read (another cookie-cache strategy, a chunked cookie), nothing is reused.
 */
function trustedUntil(cookies: Map<string, string>, names: CookieNames, now: number): number | null {
  const latest = now + SESSION_CACHE_SECONDS * 1000;
  const copy = cookies.get(names.data);
  const chunked = [...cookies.keys()].some((name) => name.startsWith(`${names.data}.`));
  if (!copy) return chunked ? null : latest;
  try {
    const { expiresAt } = JSON.parse(Buffer.from(decodeURIComponent(copy), "base64url").toString("utf8")) as { expiresAt?: unknown };
    return typeof expiresAt === "number" ? Math.min(expiresAt, latest) : null;
  } catch {
    return null;
  }
}

/**
 * The signed-in user for these request headers, or null. By default the session may come from
 * the cookie cache (at most SESSION_CACHE_SECONDS old); `fresh` reads it from the database,
 * for decisions a revoked session or a lost role must not pass (admin checks).
 */
export async function readSessionUser(
  authInstance: Auth,
  headers: Headers,
  { fresh = false }: { fresh?: boolean } = {},
): Promise<SessionUser | null> {
  const names = await cookieNames(authInstance);
  const cookies = readCookies(headers, names);
  const signedToken = cookies?.get(names.token);
  const token = signedToken && decodeURIComponent(signedToken).split(".")[0]!;
  const verified = verifiedSessionsOf(authInstance);

  const now = Date.now();
  const known = token ? verified.get(token) : undefined;
  if (!fresh && known && known.signedToken === signedToken && known.until > now) return known.user;

  const session = await authInstance.api.getSession({ headers, query: { disableCookieCache: fresh } });
  if (!session) {
    if (token) verified.delete(token);
    return null;
  }
  const { id, email, name, role } = session.user;
  const user: SessionUser = { id, email, name, role: role === "admin" ? "admin" : "user" };
  if (!cookies || !signedToken || !token) return user;
  const until = fresh ? now + SESSION_CACHE_SECONDS * 1000 : trustedUntil(cookies, names, now);
  if (until !== null && until > now) {
    verified.delete(token);
    if (verified.size >= MAX_ENTRIES) verified.delete(verified.keys().next().value!);
    verified.set(token, { signedToken, user, until });
  }
  return user;
}

/** `readSessionUser` with the app's auth. */
export function sessionUser(headers: Headers, options?: { fresh?: boolean }): Promise<SessionUser | null> {
  return readSessionUser(auth(), headers, options);
}
