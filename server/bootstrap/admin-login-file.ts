import path from "node:path";
import type { DbTarget } from "@/db/client";

/**
 * Where a generated admin login is kept: with the database it belongs to, so two instances on
 * two databases never overwrite each other's login, and wiping a PGlite directory takes its
 * login along. PostgreSQL has no local directory: the file is named after the database.
 * An in-memory database gets no file (its admin dies with the process).
 */
export function adminLoginFile(target: DbTarget, cwd = process.cwd()): string | undefined {
  if (target.kind === "pglite") {
    return target.dataDir.startsWith("memory://") ? undefined : path.join(target.dataDir, "admin-login.txt");
  }
  const url = new URL(target.url);
  const database = `${url.hostname}-${url.port || "5432"}-${url.pathname.slice(1) || "postgres"}`.replace(/[^\w.-]/g, "_");
  return path.join(cwd, ".data", `admin-login-${database}.txt`);
}
