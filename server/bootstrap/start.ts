import { auth } from "../auth/auth";
import { env } from "../config/env";
import { runtimeModes } from "../config/runtime";
import { dbHandle } from "../db";
import { logger } from "../logger";
import { adminLoginFile } from "./admin-login-file";
import { seed } from "./seed";

const key = Symbol.for("buildos-sms.ready");
type Holder = { [key]?: Promise<void> };

/** Validates config, migrates and seeds, once per process. Every entry point awaits it. */
export function ensureStarted(): Promise<void> {
  const holder = globalThis as Holder;
  holder[key] ??= start();
  return holder[key];
}

async function start() {
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
