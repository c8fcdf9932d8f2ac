import { sql } from "drizzle-orm";
import type { Env } from "../config/env";
import { runtimeModes, type RuntimeModes } from "../config/runtime";
import type { DbHandle } from "@/db/client";

export interface HealthReport {
  ok: boolean;
  database: { mode: "pglite" | "postgres"; ok: boolean; error?: string };
  durableExecution: { mode: RuntimeModes["durableExecution"] };
  sms: { provider: RuntimeModes["sms"] };
}

/** What runs where, and whether the database answers. Never includes URLs with credentials or secrets. */
export async function healthReport(env: Env, handle: DbHandle): Promise<HealthReport> {
  const modes = runtimeModes(env);
  let database: HealthReport["database"] = { mode: handle.target, ok: true };
  try {
    await handle.db.execute(sql`select 1`);
  } catch (error) {
    database = { mode: handle.target, ok: false, error: error instanceof Error ? error.message : "unreachable" };
  }
  return {
    ok: database.ok,
    database,
    durableExecution: { mode: modes.durableExecution },
    sms: { provider: modes.sms },
  };
}
