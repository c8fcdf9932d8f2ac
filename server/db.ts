import { openDb, type Db } from "@/db/client";
import { env } from "./config/env";
import { runtimeModes } from "./config/runtime";
import { processSingleton } from "./process-singleton";

/** The process's one database handle (a PGlite directory must be opened only once). */
export const dbHandle = processSingleton("db", () => openDb(runtimeModes(env()).database));

export function db(): Db {
  return dbHandle().db;
}
