import { openDb, type Db, type DbHandle } from "@/db/client";
import { env } from "./config/env";
import { runtimeModes } from "./config/runtime";

/**
 * One database handle per process. Next may load this module in several bundles
 * (instrumentation, routes), and a PGlite directory must be opened only once, so the
 * handle lives on globalThis.
 */
const key = Symbol.for("buildos-sms.db");
type Holder = { [key]?: DbHandle };

export function dbHandle(): DbHandle {
  const holder = globalThis as Holder;
  holder[key] ??= openDb(runtimeModes(env()).database);
  return holder[key];
}

export function db(): Db {
  return dbHandle().db;
}
