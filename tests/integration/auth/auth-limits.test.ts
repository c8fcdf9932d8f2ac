import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { rateLimitBuckets, users } from "@/db/schema";
import { ACCOUNT_ATTEMPTS } from "@/server/auth/attempt-limits";
import { handleAuthRequest } from "@/server/auth/http-handler";
import { authDepsFor, authPost } from "../../helpers/auth";
import { testDatabases } from "../../helpers/test-db";

const strongPassword = "violet-harbor-lantern-42";
let sequence = 0;
const email = (name: string) => `${name}-${Date.now().toString(36)}-${sequence++}@example.test`;

describe.each(testDatabases())("auth rate limits on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  // Each test starts with empty buckets, so limits from one test do not leak into the next.
  const freshBuckets = () => handle.db.delete(rateLimitBuckets);

  it("does not let a client escape the sign-in limit by varying X-Forwarded-For", async () => {
    await freshBuckets();
    const deps = authDepsFor(handle.db, { attemptsPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const req = authPost("/sign-in/email", { email: email("nobody"), password: "whatever-it-is" }, { "x-forwarded-for": `203.0.113.${i}` });
      statuses.push((await handleAuthRequest(deps, req)).status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429, 429, 429, 429]);
  });

  it("does not let a client escape the sign-up limit by varying X-Forwarded-For", async () => {
    await freshBuckets();
    const deps = authDepsFor(handle.db, { attemptsPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const req = authPost("/sign-up/email", { name: "Sam", email: email("sam"), password: strongPassword }, { "x-forwarded-for": `198.51.100.${i}` });
      statuses.push((await handleAuthRequest(deps, req)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await handleAuthRequest(deps, authPost("/sign-up/email", { name: "Sam", email: email("sam"), password: strongPassword }));
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await refused.json()).message).toMatch(/^Too many attempts\. Try again in \d+ seconds\.$/);
  });

  it("keeps the count in the database, shared by every app instance", async () => {
    await freshBuckets();
    const first = authDepsFor(handle.db, { attemptsPerMinute: 2 });
    const second = authDepsFor(handle.db, { attemptsPerMinute: 2 });
    const attempt = (deps: typeof first) => handleAuthRequest(deps, authPost("/sign-in/email", { email: email("x"), password: "nope-nope-nope" }));
    expect((await attempt(first)).status).toBe(401);
    expect((await attempt(second)).status).toBe(401);
    expect((await attempt(first)).status).toBe(429);
    expect((await attempt(second)).status).toBe(429);
  });

  it("behind a trusted proxy, keys on the address the proxy appended, not the ones the client sent", async () => {
    await freshBuckets();
    const deps = authDepsFor(handle.db, { attemptsPerMinute: 2, trustedProxies: 1 });
    const from = (forwardedFor: string) =>
      handleAuthRequest(deps, authPost("/sign-in/email", { email: email("p"), password: "nope-nope-nope" }, { "x-forwarded-for": forwardedFor }));
    // The client varies what it sends; the proxy always appends the real address last.
    expect((await from("1.1.1.1, 192.0.2.10")).status).toBe(401);
    expect((await from("2.2.2.2, 192.0.2.10")).status).toBe(401);
    expect((await from("3.3.3.3, 192.0.2.10")).status).toBe(429);
    // Another real client has its own bucket.
    expect((await from("1.1.1.1, 192.0.2.11")).status).toBe(401);
  });

  it("limits failed sign-ins per account, and a success clears them", async () => {
    await freshBuckets();
    const deps = authDepsFor(handle.db, { attemptsPerMinute: 1000 });
    const owner = email("owner");
    const other = email("other");
    for (const address of [owner, other]) {
      expect((await handleAuthRequest(deps, authPost("/sign-up/email", { name: "Owner", email: address, password: strongPassword }))).status).toBe(200);
    }
    const signIn = (address: string, password: string) => handleAuthRequest(deps, authPost("/sign-in/email", { email: address, password }));

    expect((await signIn(owner, strongPassword)).status).toBe(200);
    for (let i = 0; i < ACCOUNT_ATTEMPTS.max; i++) expect((await signIn(owner, `wrong-guess-${i}`)).status).toBe(401);
    // Even the right password waits now: the guesser cannot tell which one it was.
    const locked = await signIn(owner, strongPassword);
    expect(locked.status).toBe(429);
    expect((await locked.json()).message).toMatch(/^Too many failed sign-ins for this account\. Try again in \d+ (seconds|minutes)\.$/);
    // The email is matched as better-auth matches it (case-insensitively).
    expect((await signIn(owner.toUpperCase(), strongPassword)).status).toBe(429);
    // Other accounts are not affected.
    expect((await signIn(other, strongPassword)).status).toBe(200);
    // A success forgets the failures.
    for (let i = 0; i < ACCOUNT_ATTEMPTS.max - 1; i++) expect((await signIn(other, `wrong-${i}`)).status).toBe(401);
    expect((await signIn(other, strongPassword)).status).toBe(200);
    for (let i = 0; i < ACCOUNT_ATTEMPTS.max - 1; i++) expect((await signIn(other, `wrong-again-${i}`)).status).toBe(401);
    expect((await signIn(other, strongPassword)).status).toBe(200);
  });
});

describe.each(testDatabases())("no one can lock an owner out of sign-in, on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());
  const freshBuckets = () => handle.db.delete(rateLimitBuckets);

  async function owner(deps: ReturnType<typeof authDepsFor>) {
    const address = email("owner");
    expect((await handleAuthRequest(deps, authPost("/sign-up/email", { name: "Owner", email: address, password: strongPassword }))).status).toBe(200);
    return address;
  }
  const signIn = (deps: ReturnType<typeof authDepsFor>, address: string, password: string, headers: Record<string, string> = {}) =>
    handleAuthRequest(deps, authPost("/sign-in/email", { email: address, password }, headers));

  it("behind a proxy: a flood of wrong passwords from other addresses leaves the owner's address alone", async () => {
    await freshBuckets();
    const deps = authDepsFor(handle.db, { attemptsPerMinute: 1000, trustedProxies: 1 });
    const account = await owner(deps);
    for (let i = 0; i < 30; i++) {
      const attacker = { "x-forwarded-for": `203.0.113.${i % 6}` };
      expect([401, 429]).toContain((await signIn(deps, account, `guess-${i}`, attacker)).status);
    }
    // The attackers' own addresses are slowed down for this account…
    expect((await signIn(deps, account, strongPassword, { "x-forwarded-for": "203.0.113.1" })).status).toBe(429);
    // …the owner, elsewhere, is not.
    expect((await signIn(deps, account, strongPassword, { "x-forwarded-for": "198.51.100.77" })).status).toBe(200);
  });

  it("with no known address: a flood fills the global budget, yet the owner's known device signs in", async () => {
    await freshBuckets();
    const deps = authDepsFor(handle.db, { attemptsPerMinute: 10, globalPerMinute: 10 });
    const account = await owner(deps);
    const first = await signIn(deps, account, strongPassword);
    expect(first.status).toBe(200);
    const deviceCookie = (first.headers.get("set-cookie") ?? "").split(/,(?=\s*buildos\.)/).find((c) => c.trim().startsWith("buildos.known_device="));
    expect(deviceCookie).toBeDefined();
    const cookie = deviceCookie!.split(";")[0]!.trim();

    // Anyone, anywhere: wrong passwords for this account and sign-ins to others, past every shared limit.
    for (let i = 0; i < 25; i++) await signIn(deps, i % 2 ? account : email("someone"), `guess-${i}`);
    expect((await signIn(deps, account, strongPassword)).status).toBe(429);
    expect((await signIn(deps, email("new"), strongPassword)).status).toBe(429);

    // The owner's browser proves it knew the password before: the right password still works.
    expect((await signIn(deps, account, strongPassword, { cookie })).status).toBe(200);
    // The cookie is for this account only, and a forged one counts for nothing.
    expect((await signIn(deps, email("other"), strongPassword, { cookie })).status).toBe(429);
    expect((await signIn(deps, account, strongPassword, { cookie: `${cookie.slice(0, -3)}AAA` })).status).toBe(429);
  });

  it("a known device that guesses is slowed down like anyone", async () => {
    await freshBuckets();
    const deps = authDepsFor(handle.db, { attemptsPerMinute: 1000 });
    const account = await owner(deps);
    const cookie = ((await signIn(deps, account, strongPassword)).headers.get("set-cookie") ?? "").match(/buildos\.known_device=[^;]+/)![0];
    for (let i = 0; i < ACCOUNT_ATTEMPTS.max; i++) expect((await signIn(deps, account, `wrong-${i}`, { cookie })).status).toBe(401);
    expect((await signIn(deps, account, strongPassword, { cookie })).status).toBe(429);
  });
});

describe.each(testDatabases())("auth input bounds on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  const deps = () => authDepsFor(handle.db, { attemptsPerMinute: 1000 });
  const signUp = (body: Record<string, unknown>) => handleAuthRequest(deps(), authPost("/sign-up/email", body));
  const count = async (address: string) => (await handle.db.select().from(users).where(eq(users.email, address))).length;

  it("refuses a body over the limit before parsing it, with 413 and a clear message", async () => {
    const address = email("huge");
    const response = await signUp({ name: "x".repeat(1024 * 1024), email: address, password: strongPassword });
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect((await response.json()).error.message).toBe("The request body is too large: at most 16 KiB is accepted here.");
    expect(await count(address)).toBe(0);
  });

  it("counts a chunked body as it arrives (no Content-Length to trust)", async () => {
    const address = email("chunked");
    const chunk = new TextEncoder().encode(`{"name":"${"y".repeat(8 * 1024)}`);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(chunk); // endless: only the bound stops it
      },
    });
    const req = new Request("http://localhost:3000/api/auth/sign-up/email", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json", origin: "http://localhost:3000" },
      duplex: "half",
    } as RequestInit);
    expect((await handleAuthRequest(deps(), req)).status).toBe(413);
    expect(await count(address)).toBe(0);
  });

  it("refuses overlong names and emails with a clear message", async () => {
    const address = email("long");
    const longName = await signUp({ name: "n".repeat(101), email: address, password: strongPassword });
    expect(longName.status).toBe(400);
    expect((await longName.json()).message).toBe("Keep the name under 100 characters");
    const longEmail = `${"e".repeat(250)}@example.test`;
    const tooLong = await signUp({ name: "Eve", email: longEmail, password: strongPassword });
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).message).toBe("Enter an email address of at most 254 characters");
    expect(await count(address)).toBe(0);
    expect(await count(longEmail)).toBe(0);
  });

  it("refuses common and easily guessed passwords with a clear message", async () => {
    for (const password of ["12345678", "password1", "qwertyuiop", "letmein123"]) {
      const address = email("weak");
      const response = await signUp({ name: "Wes", email: address, password });
      expect(response.status, password).toBe(400);
      const body = await response.json();
      expect(body.code).toBe("PASSWORD_TOO_WEAK");
      expect(body.message).toMatch(/Add another word or two/);
      expect(await count(address)).toBe(0);
    }
    const address = email("strong");
    expect((await signUp({ name: "Wes", email: address, password: strongPassword })).status).toBe(200);
    expect(await count(address)).toBe(1);
  });

  it("backs the bounds with the database itself", async () => {
    await expect(handle.db.insert(users).values({ id: "long-name", name: "n".repeat(101), email: email("db") })).rejects.toThrow();
  });
});

describe.each(testDatabases())("password strength knows the account on every path, on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  it("refuses buildos123 at sign-up, and the account's own email as a new password on change", async () => {
    const deps = authDepsFor(handle.db, { attemptsPerMinute: 1000 });
    const weak = await handleAuthRequest(deps, authPost("/sign-up/email", { name: "Sam", email: email("weak"), password: "buildos123" }));
    expect(weak.status).toBe(400);
    expect((await weak.json()).code).toBe("PASSWORD_TOO_WEAK");

    const address = email("jane.doe");
    expect((await handleAuthRequest(deps, authPost("/sign-up/email", { name: "Jane Doe", email: address, password: strongPassword }))).status).toBe(200);
    const signedIn = await handleAuthRequest(deps, authPost("/sign-in/email", { email: address, password: strongPassword }));
    const cookie = (signedIn.headers.getSetCookie?.() ?? [])
      .map((c) => c.split(";")[0])
      .join("; ");
    const change = (newPassword: string) =>
      handleAuthRequest(deps, authPost("/change-password", { currentPassword: strongPassword, newPassword }, { cookie }));
    const refused = await change(address);
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toMatch(/name, your email/);
    expect((await change("JaneDoe1987")).status).toBe(400);
    expect((await change("copper-lantern-meadow-913")).status).toBe(200);
  });
});
