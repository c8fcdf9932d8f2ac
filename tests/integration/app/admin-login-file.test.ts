import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle, type DbTarget } from "@/db/client";
import type { Auth } from "@/server/auth/auth";
import { adminLoginFile } from "@/server/bootstrap/admin-login-file";
import { seed } from "@/server/bootstrap/seed";
import { logger } from "@/server/logger";

const fakeAuth = {
  $context: Promise.resolve({ password: { hash: async (p: string) => `hashed:${p}` } }),
} as unknown as Auth;

describe("the generated admin login", () => {
  const root = mkdtempSync(path.join(tmpdir(), "admin-login-"));
  // Two instances, each with its own fresh database. They are opened in memory to keep the test
  // quick: only the instance's data directory decides where the file goes.
  const instances: { name: string; handle: DbHandle }[] = [];
  beforeAll(async () => {
    for (const name of ["first", "second"]) {
      const handle = openDb({ kind: "pglite", dataDir: "memory://" });
      await handle.migrate();
      instances.push({ name, handle });
    }
  });
  afterAll(async () => {
    for (const { handle } of instances) await handle.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("is kept with each instance's own database, so a second instance never overwrites the first's", async () => {
    const logins: string[] = [];
    for (const { name, handle } of instances) {
      const target: DbTarget = { kind: "pglite", dataDir: path.join(root, name, "pglite") };
      const file = adminLoginFile(target, root);
      await seed(handle.db, fakeAuth, logger, { credentialsFile: file });
      expect(file).toBe(path.join(root, name, "pglite", "admin-login.txt"));
      logins.push(readFileSync(file!, "utf8"));
    }
    expect(logins[0]).toMatch(/^email: admin@buildos\.local\npassword: \S+\n$/);
    expect(logins[1]).not.toBe(logins[0]);
    expect(readFileSync(path.join(root, "first", "pglite", "admin-login.txt"), "utf8")).toBe(logins[0]);
  });

  it("is named after the database when it is PostgreSQL, and not written for an in-memory one", () => {
    expect(adminLoginFile({ kind: "postgres", url: "postgres://u:p@db.internal:6543/sms" }, "/srv/app")).toBe(
      "/srv/app/.data/admin-login-db.internal-6543-sms.txt",
    );
    expect(adminLoginFile({ kind: "pglite", dataDir: "memory://" })).toBeUndefined();
  });
});
