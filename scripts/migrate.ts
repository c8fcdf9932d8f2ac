/**
 * npm run db:migrate — what a server does at start (configuration check, migrations, seed),
 * without starting a server: for a deploy step that migrates before the new version runs. It
 * reads the same configuration as the server. A script does not go through Next's
 * instrumentation, so it calls the same start function instrumentation.ts calls.
 */
import { existsSync } from "node:fs";

if (existsSync(".env")) process.loadEnvFile(".env");
// Imported after .env is loaded: configuration is read on first use.
const { startOrExit } = await import("@/server/bootstrap/start-or-exit");
const { dbHandle } = await import("@/server/db");

await startOrExit();
await dbHandle().close();
