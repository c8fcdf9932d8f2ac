import { eq } from "drizzle-orm";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { users } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { handleTrpcRequest } from "@/server/trpc/http-handler";
import { appRouter } from "@/server/trpc/root";
import { appVerificationDeps } from "@/server/verification/app-verification-deps";
import { startAppUnderTest, type AppUnderTest } from "../../helpers/app-under-test";
import { createUser } from "../../helpers/factories";
import { testContext } from "../../helpers/trpc";
import { randomInput, seededRandom, sweep } from "../../helpers/zod-fuzz";

/**
 * Every tRPC procedure, found by walking the router (not a hand list), called through the real
 * HTTP handler as an admin (who may call them all) with inputs generated from its own schema:
 * the plausible input, each hostile value in each field in turn, and seeded random mixes. No
 * answer may be a 5xx: bad input is a 4xx. A procedure that lost its bounds (a plain
 * `z.string()` reaching PostgreSQL with a NUL, a `z.date()` with year 0) fails here.
 */
type ProcedureDef = { type: "query" | "mutation" | "subscription"; inputs: z.core.$ZodType[] };
const procedures = Object.entries((appRouter._def as unknown as { procedures: Record<string, { _def: ProcedureDef }> }).procedures).map(
  ([path, procedure]) => ({ path, type: procedure._def.type, input: procedure._def.inputs[0] }),
);

const RANDOM_SAMPLES = 15;

let app: AppUnderTest;
let admin: SessionUser;
beforeAll(async () => {
  app = await startAppUnderTest();
  const db = app.db.db();
  const row = await createUser(db);
  await db.update(users).set({ role: "admin" }).where(eq(users.id, row.id));
  admin = { id: row.id, email: row.email, name: row.name, role: "admin" };
}, 180_000);
afterAll(() => app?.close());

/** As the client sends it (superjson); superjson refuses prototype keys, so those go as plain JSON, as an attacker would send them. */
function wire(input: unknown): string {
  try {
    return JSON.stringify(superjson.serialize(input));
  } catch {
    return JSON.stringify({ json: input });
  }
}

async function call(path: string, type: ProcedureDef["type"], input: unknown) {
  const publicUrl = app.url;
  const serialized = wire(input);
  const req =
    type === "query"
      ? new Request(`${publicUrl}/api/trpc/${path}?input=${encodeURIComponent(serialized)}`)
      : new Request(`${publicUrl}/api/trpc/${path}`, { method: "POST", body: serialized, headers: { "content-type": "application/json", origin: publicUrl } });
  const response = await handleTrpcRequest(
    { publicUrl, createContext: async (r) => ({ ...testContext(app.db.db(), admin, undefined, { verification: appVerificationDeps(null) }), headers: r.headers }) },
    req,
  );
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe("every tRPC procedure answers generated inputs without a 5xx", () => {
  it("finds the procedures from the router", () => {
    expect(procedures.length).toBeGreaterThan(20);
    expect(procedures.map((p) => p.path)).toEqual(expect.arrayContaining(["admin.users", "admin.messages.list", "admin.templates.create", "tasks.create", "sms.sendCode"]));
  });

  it.each(procedures)("$path", async ({ path, type, input }) => {
    if (type === "subscription") return;
    const inputs = input ? [...sweep(input), ...Array.from({ length: RANDOM_SAMPLES }, (_, i) => randomInput(input, seededRandom(i + path.length * 1_000)))] : [undefined, { extra: "\u0000" }];
    const failures: string[] = [];
    for (const value of inputs) {
      const answer = await call(path, type, value);
      if (answer.status >= 500) failures.push(`${answer.status} for ${wire(value).slice(0, 300)}: ${answer.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });

  it("signed-in answers are never cached", async () => {
    const answer = await call("session.me", "query", undefined);
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });
});
