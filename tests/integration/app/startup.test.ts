import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smsTemplates, users } from "@/db/schema";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";

/**
 * The one start-up hook: Next awaits instrumentation's register() before serving any request,
 * so when register() resolves the database must be migrated and seeded. (This file owns its
 * process: the app's singletons are per process, and vitest runs each integration file in its own.)
 */
const dataDir = mkdtempSync(path.join(tmpdir(), "buildos-startup-"));
const dbKey = Symbol.for("buildos-sms.db");

beforeAll(() => {
  Object.assign(process.env, {
    NEXT_RUNTIME: "nodejs",
    PGLITE_DATA_DIR: dataDir,
    BETTER_AUTH_SECRET: "startup-test-secret-startup-test-secret",
    ADMIN_EMAIL: "root@startup.test",
    ADMIN_PASSWORD: "startup-admin-password",
  });
  delete process.env.DATABASE_URL;
});

afterAll(async () => {
  const { dbHandle } = await import("@/server/db");
  if (dbKey in globalThis) await dbHandle().close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("instrumentation register()", () => {
  it("leaves the database alone during next build", async () => {
    process.env.NEXT_PHASE = "phase-production-build";
    const { register } = await import("@/instrumentation");
    await register();
    expect(dbKey in globalThis).toBe(false);
    delete process.env.NEXT_PHASE;
  });

  it("resolves only once the database is migrated and seeded", async () => {
    const { register } = await import("@/instrumentation");
    await register();
    const { db } = await import("@/server/db");
    const templates = await db().select({ key: smsTemplates.key }).from(smsTemplates);
    expect(templates.map((t) => t.key).sort()).toEqual(DEFAULT_TEMPLATES.map((t) => t.key).sort());
    const [admin] = await db().select({ role: users.role }).from(users).where(eq(users.email, "root@startup.test"));
    expect(admin?.role).toBe("admin");
  });

  it("starts once per process: a second register() (another bundle) reuses the same start", async () => {
    const { ensureStarted } = await import("@/server/bootstrap/start");
    const { register } = await import("@/instrumentation");
    const started = ensureStarted();
    await register();
    expect(ensureStarted()).toBe(started);
  });
});
