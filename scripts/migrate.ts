/**
 * npm run db:migrate — what a server does at start (configuration check, migrations, seed),
 * without starting a server: for a deploy step that migrates before the new version runs.
 * A script does not go through Next's instrumentation, so it calls the same start function.
 */
import { existsSync } from "node:fs";

if (existsSync(".env")) process.loadEnvFile(".env");
// Imported after .env is loaded: configuration is read on first use.
const { ensureStarted } = await import("@/server/bootstrap/start");
const { dbHandle } = await import("@/server/db");

try {
  await ensureStarted();
} finally {
  await dbHandle().close();
}
