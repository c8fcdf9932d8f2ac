import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { openDb } from "@/db/client";
import type { Context } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/root";
import { testContext } from "../../helpers/trpc";

/** Calls the real router over the fetch adapter, as /api/trpc does, with a given context. */
async function call(path: string, ctx: Context) {
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`http://localhost/api/trpc/${path}`),
    router: appRouter,
    createContext: () => ctx,
  });
  return { status: response.status, text: await response.text() };
}

describe("error responses", () => {
  it("never leak an unexpected error's message to the caller", async () => {
    const handle = openDb({ kind: "pglite", dataDir: "memory://" });
    await handle.close(); // every query now fails inside the driver
    const user = { id: "u1", email: "u1@example.test", name: "U", role: "user" as const };
    const { status, text } = await call("preferences.get", testContext(handle.db, user));
    expect(status).toBe(500);
    expect(text).toContain("Something went wrong on our side. Please try again.");
    expect(text).not.toMatch(/pglite|closed|select|user_sms_preferences/i);
  });

  it("pass domain errors and input errors through with their own status and message", async () => {
    const handle = openDb({ kind: "pglite", dataDir: "memory://" });
    await handle.migrate();
    const user = { id: "u2", email: "u2@example.test", name: "U", role: "user" as const };
    const response = await call(`messages.get?input=${encodeURIComponent(JSON.stringify({ json: { id: "not-a-uuid" } }))}`, testContext(handle.db, user));
    expect(response.status).toBe(400);
    expect(response.text).toContain("Not a message id");
    const missing = await call(
      `messages.get?input=${encodeURIComponent(JSON.stringify({ json: { id: "00000000-0000-4000-8000-000000000000" } }))}`,
      testContext(handle.db, user),
    );
    expect(missing.status).toBe(404);
    expect(missing.text).toContain("Message not found");
    await handle.close();
  });
});
