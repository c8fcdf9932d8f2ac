import { auth } from "../auth/auth";
import { env } from "../config/env";
import { runtimeModes } from "../config/runtime";
import { dbHandle } from "../db";
import { logger } from "../logger";
import { processSingleton } from "../process-singleton";
import { adminLoginFile } from "./admin-login-file";
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
  await seed(handle.db, auth(), logger, {
    adminEmail: config.ADMIN_EMAIL,
    adminPassword: config.ADMIN_PASSWORD,
    credentialsFile: adminLoginFile(runtimeModes(config).database),
  });
  logger.info({ database: handle.target }, "database ready");
}
