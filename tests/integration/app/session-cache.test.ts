import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { sessions, users } from "@/db/schema";
import { SESSION_CACHE_SECONDS, type Auth } from "@/server/auth/auth";
import { readSessionUser } from "@/server/auth/session";
import { authPost, testAuth } from "../../helpers/auth";
import { CookieJar } from "../../helpers/cookie-jar";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

let counter = 0;

/** A browser of this auth: POSTs to its endpoints and keeps the cookies they set. */
function browser(auth: Auth) {
  const jar = new CookieJar();
  const send = async (endpoint: string, body: unknown = {}) => {
    const response = await auth.handler(authPost(endpoint, body, { cookie: jar.header() }));
    jar.store(response);
    if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
    return response;
  };
  return {
    jar,
    headers: () => new Headers({ cookie: jar.header() }),
    async signUp() {
      const email = `cache-${counter++}@example.test`;
      const response = await send("/sign-up/email", { name: "Casey", email, password: "casey-password-1" });
      return { email, id: ((await response.json()) as { user: { id: string } }).user.id };
    },
    signIn: (email: string) => send("/sign-in/email", { email, password: "casey-password-1" }),
    signOut: () => send("/sign-out"),
  };
}

describe.each(testDatabases())("session cookie cache on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let auth: Auth;
  beforeAll(async () => {
    handle = await database.open();
    auth = testAuth(handle.db);
  });
  afterAll(() => handle?.drop());
  afterEach(() => vi.useRealTimers());

  it(`answers signed-in reads from the cookie for at most ${SESSION_CACHE_SECONDS} s, verifying it once`, async () => {
    const casey = browser(auth);
    const { id } = await casey.signUp();
    expect(casey.jar.names()).toEqual(expect.arrayContaining(["better-auth.session_token", "better-auth.session_data"]));

    // The session is revoked elsewhere (another device signed out, an operator removed it).
    await handle.db.delete(sessions).where(eq(sessions.userId, id));
    const getSession = vi.spyOn(auth.api, "getSession");
    expect((await readSessionUser(auth, casey.headers()))?.id).toBe(id); // no database read: the signed copy answers
    expect((await readSessionUser(auth, casey.headers()))?.id).toBe(id);
    expect(getSession).toHaveBeenCalledTimes(1); // the same cookies are not verified twice
    getSession.mockRestore();

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + (SESSION_CACHE_SECONDS + 1) * 1000 });
    expect(await readSessionUser(auth, casey.headers())).toBeNull();
  });

  it("trusts a session it verified for no longer than that, whatever expiry a forged copy claims", async () => {
    const casey = browser(auth);
    const { id } = await casey.signUp();
    const forged = Buffer.from(JSON.stringify({ session: {}, expiresAt: Date.now() + 365 * 86_400_000, signature: "forged" })).toString("base64url");
    const token = casey.jar.get("better-auth.session_token");
    const headers = new Headers({ cookie: `better-auth.session_token=${token}; better-auth.session_data=${forged}` });
    expect((await readSessionUser(auth, headers))?.id).toBe(id); // the forged copy is refused; the database answers

    await handle.db.delete(sessions).where(eq(sessions.userId, id));
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + (SESSION_CACHE_SECONDS + 1) * 1000 });
    expect(await readSessionUser(auth, headers)).toBeNull();
  });

  it("reads the session from the database when asked for a fresh one", async () => {
    const casey = browser(auth);
    const { id } = await casey.signUp();
    expect((await readSessionUser(auth, casey.headers()))?.id).toBe(id);
    await handle.db.delete(sessions).where(eq(sessions.userId, id));
    expect(await readSessionUser(auth, casey.headers(), { fresh: true })).toBeNull();
  });

  it("signing out clears the cached session along with the session", async () => {
    const casey = browser(auth);
    await casey.signUp();
    const before = casey.headers();
    await casey.signOut();
    expect(casey.jar.names()).not.toContain("better-auth.session_data");
    expect(await readSessionUser(auth, casey.headers())).toBeNull();
    expect(await readSessionUser(auth, before, { fresh: true })).toBeNull();
  });

  it("checks the admin role in the database, so a demoted admin loses admin procedures at once", async () => {
    const casey = browser(auth);
    const { email, id } = await casey.signUp();
    await handle.db.update(users).set({ role: "admin" }).where(eq(users.id, id));
    await casey.signIn(email); // the new session's cached copy says admin
    const cached = await readSessionUser(auth, casey.headers());
    expect(cached?.role).toBe("admin");
    const fresh = () => readSessionUser(auth, casey.headers(), { fresh: true });
    expect((await callerFor(handle.db, cached, undefined, { freshUser: fresh }).admin.users({})).items.length).toBeGreaterThan(0);

    await handle.db.update(users).set({ role: "user" }).where(eq(users.id, id));
    expect((await readSessionUser(auth, casey.headers()))?.role).toBe("admin"); // the cookie is behind
    const demoted = callerFor(handle.db, cached, undefined, { freshUser: fresh }).admin.users({});
    await expect(demoted).rejects.toBeInstanceOf(TRPCError);
    await expect(demoted).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
