import type { Db } from "@/db/client";
import { createAuth, type Auth } from "@/server/auth/auth";
import type { AuthDeps } from "@/server/auth/app-auth-deps";

export const TEST_PUBLIC_URL = "http://localhost:3000";
const TEST_SECRET = "test-secret-test-secret-test-secret-0123";

/** The real better-auth over a test database. */
export function testAuth(db: Db): Auth {
  return createAuth({ db, publicUrl: TEST_PUBLIC_URL, secret: TEST_SECRET });
}

/** The real better-auth over a test database, with the handlers' dependencies (one "app instance"). */
export function authDepsFor(db: Db, overrides: Partial<Omit<AuthDeps, "db" | "auth">> = {}): AuthDeps {
  const attemptsPerMinute = overrides.attemptsPerMinute ?? 3;
  return {
    db,
    auth: testAuth(db),
    trustedProxies: 0,
    attemptsPerMinute,
    // By default the global budget of address-less clients is the per-client one, so a test sets one number.
    globalPerMinute: attemptsPerMinute,
    secret: TEST_SECRET,
    secureCookies: false,
    ...overrides,
  };
}

/** A JSON POST to /api/auth/<path>, as a browser on our own origin sends it. */
export function authPost(path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Request(`${TEST_PUBLIC_URL}/api/auth${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", origin: TEST_PUBLIC_URL, ...headers },
  });
}
