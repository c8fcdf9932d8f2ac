import { auth } from "../auth/auth";
import { env } from "../config/env";
import { dbHandle } from "../db";
import { logger } from "../logger";
import { processSingleton } from "../process-singleton";
import { seed } from "./seed";

/**
 * Validates configuration, migrates and seeds, once per process. `instrumentation.ts` awaits
 * it before the server answers any request (see docs/ARCHITECTURE.md, "Start-up"); an entry
 * point that runs without Next's instrumentation (a script) awaits it itself.
 */
export const ensureStarted = processSingleton("started", start);

async function start(): Promise<void> {
  const config = env();
  const handle = dbHandle();
  await handle.migrate();
  await seed(handle.db, auth(), logger, { adminEmail: config.ADMIN_EMAIL, adminPassword: config.ADMIN_PASSWORD });
  logger.info({ database: handle.target }, "database ready");
}
