import { eq } from "drizzle-orm";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { tasks } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { handleTrpcRequest } from "@/server/trpc/http-handler";
import { MAX_TASKS_PER_USER, TRPC_MAX_BATCH } from "@/common/limits";
import { createUser } from "../../helpers/factories";
import { testDatabases } from "../../helpers/test-db";
import { testContext } from "../../helpers/trpc";

const publicUrl = "http://localhost:3000";

describe.each(testDatabases())("tRPC request limits and bad input on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let user: SessionUser;

  beforeAll(async () => {
    handle = await database.open();
    const row = await createUser(handle.db);
    user = { id: row.id, email: row.email, name: row.name, role: "user" };
  });
  afterAll(() => handle?.drop());

  const deps = () => ({
    publicUrl,
    createContext: async (req: Request) => ({ ...testContext(handle.db, user), headers: req.headers }),
  });
  const taskCount = async () => (await handle.db.select().from(tasks).where(eq(tasks.userId, user.id))).length;

  /** A mutation POST as the tRPC client sends it (superjson), from our own origin unless told otherwise. */
  function mutation(path: string, input: unknown, headers: Record<string, string> = {}, body?: BodyInit) {
    return new Request(`${publicUrl}/api/trpc/${path}`, {
      method: "POST",
      body: body ?? JSON.stringify(superjson.serialize(input)),
      headers: { "content-type": "application/json", origin: publicUrl, ...headers },
    });
  }
  const call = async (req: Request) => {
    const response = await handleTrpcRequest(deps(), req);
    return { status: response.status, text: await response.text(), headers: response.headers };
  };

  it("refuses a mutation from another site's page, and runs it from ours (any loopback spelling)", async () => {
    const before = await taskCount();
    expect((await call(mutation("tasks.create", { title: "csrf" }, { origin: "https://evil.test" }))).status).toBe(403);
    expect((await call(mutation("tasks.create", { title: "csrf" }, { origin: "null" }))).status).toBe(403);
    expect((await call(mutation("tasks.create", { title: "csrf" }, { origin: publicUrl, "sec-fetch-site": "cross-site" }))).status).toBe(403);
    expect(await taskCount()).toBe(before);
    expect((await call(mutation("tasks.create", { title: "mine" }))).status).toBe(200);
    expect((await call(mutation("tasks.create", { title: "mine too" }, { origin: "http://127.0.0.1:3000" }))).status).toBe(200);
    expect(await taskCount()).toBe(before + 2);
  });

  it("refuses a body over the limit with 413 and a clear message, before parsing it", async () => {
    const before = await taskCount();
    const response = await call(mutation("tasks.create", { title: "x".repeat(200 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.headers.get("connection")).toBe("close");
    expect(JSON.parse(response.text).error.message).toBe("The request body is too large: at most 64 KiB is accepted here.");
    expect(await taskCount()).toBe(before);
  });

  it("refuses a batch larger than the limit, creating nothing", async () => {
    const before = await taskCount();
    const size = TRPC_MAX_BATCH + 1;
    const paths = Array.from({ length: size }, () => "tasks.create").join(",");
    const inputs = Object.fromEntries(Array.from({ length: size }, (_, i) => [i, superjson.serialize({ title: `batch ${i}` })]));
    const response = await call(mutation(`${paths}?batch=1`, null, {}, JSON.stringify(inputs)));
    expect(response.status).toBe(400);
    expect(response.text).toContain("Batch call exceeds maximum size");
    expect(await taskCount()).toBe(before);
  });

  it("answers a NUL byte in a task with a clear 400 and stores nothing", async () => {
    const before = await taskCount();
    for (const input of [{ title: "bad\u0000title" }, { title: "ok", project: "bad\u0000project" }]) {
      const response = await call(mutation("tasks.create", input));
      expect(response.status, JSON.stringify(input)).toBe(400);
      expect(response.text).toMatch(/cannot contain control characters/);
    }
    expect(await taskCount()).toBe(before);
  });

  it("answers out-of-range dates with a clear 400 (due dates and the message cursor)", async () => {
    const before = await taskCount();
    for (const dueAt of [new Date("0000-01-01T00:00:00Z"), new Date("+100000-01-01T00:00:00Z"), new Date(Date.UTC(-5, 0, 1))]) {
      const response = await call(mutation("tasks.create", { title: "when?", dueAt }));
      expect(response.status, dueAt.toISOString()).toBe(400);
      expect(response.text).toContain("Choose a due date between the years 1900 and 9999");
    }
    expect(await taskCount()).toBe(before);
    const cursor = { createdAt: new Date("0000-01-01T00:00:00Z"), id: "00000000-0000-4000-8000-000000000000" };
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ limit: 10, cursor })));
    const list = await call(new Request(`${publicUrl}/api/trpc/messages.list?input=${input}`));
    expect(list.status).toBe(400);
    expect(list.text).toContain("Not a position in your history");
  });

  it("never echoes an internal message: a deeply nested input gets the generic 400", async () => {
    // superjson walks its type annotations ("meta") recursively: deep enough, the stack runs out.
    const depth = 30_000;
    const body = `{"json":{"title":"x"},"meta":{"values":{"title":${"[".repeat(depth)}"undefined"${"]".repeat(depth)}}}}`;
    expect(body.length).toBeLessThan(64 * 1024);
    const response = await call(mutation("tasks.create", null, {}, body));
    expect(response.status).toBe(400);
    expect(response.text).not.toMatch(/call stack|RangeError/i);
    expect(response.text).toContain("The request could not be read.");
    // Other library messages too ("string.charAt is not a function").
    const broken = await call(mutation("tasks.create", null, {}, `{"json":{"title":"x"},"meta":{"referentialEqualities":{"title":[["a"]]}}}`));
    expect(broken.status).toBe(400);
    expect(broken.text).not.toMatch(/charAt|is not a function/);
  });

  it("caps the tasks a user can keep", async () => {
    const existing = await taskCount();
    await handle.db
      .insert(tasks)
      .values(Array.from({ length: MAX_TASKS_PER_USER - existing }, (_, i) => ({ userId: user.id, title: `filler ${i}` })));
    const response = await call(mutation("tasks.create", { title: "one too many" }));
    expect(response.status).toBe(409);
    expect(response.text).toContain(`You can keep at most ${MAX_TASKS_PER_USER} tasks.`);
    expect(await taskCount()).toBe(MAX_TASKS_PER_USER);
  });
});
