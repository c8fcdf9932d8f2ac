// Runs the executor: `npx tsx local/inngest-executor/main.ts`.
import { createExecutor } from "./executor";
import { createLogger } from "./logger";

const log = createLogger();
// The same variables a self-hosted Inngest reads; scripts/dev.ts generates both per install.
const signingKey = process.env.INNGEST_SIGNING_KEY?.trim();
const eventKey = process.env.INNGEST_EVENT_KEY?.trim();
if (!signingKey || !eventKey) {
  log.fatal("set INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY (npm run dev generates them and gives the app the same ones)");
  process.exit(1);
}
const port = Number(process.env.INNGEST_EXECUTOR_PORT ?? 8288);
const appUrls = (process.env.INNGEST_EXECUTOR_APP_URL ?? "http://127.0.0.1:3000/api/inngest")
  .split(",")
  .map((url) => url.trim())
  .filter((url) => url !== "");

const executor = createExecutor({
  signingKey,
  eventKey,
  port,
  host: process.env.INNGEST_EXECUTOR_HOST ?? "127.0.0.1",
  appUrls,
  databaseUrl: process.env.INNGEST_EXECUTOR_DATABASE_URL || undefined,
  databaseSchema: process.env.INNGEST_EXECUTOR_DATABASE_SCHEMA || undefined,
  dataDir: process.env.INNGEST_EXECUTOR_DATA_DIR || ".data/inngest-executor",
  logger: log,
  // The real dev server re-syncs too, so functions edited while both run are picked up.
  resyncIntervalMs: Number(process.env.INNGEST_EXECUTOR_RESYNC_MS ?? 15_000),
  maxInFlight: process.env.INNGEST_EXECUTOR_MAX_IN_FLIGHT ? Number(process.env.INNGEST_EXECUTOR_MAX_IN_FLIGHT) : undefined,
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down");
  await executor.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
// scripts/dev.ts asks its stand-ins to stop when it dies, even by SIGKILL (the parent pid changes).
// Exit at once: logging into the dead parent's pipe would block, and the store is crash-safe anyway.
if (process.env.STOP_WITH_PARENT === "1") {
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref();
}

executor.start().catch((error: unknown) => {
  log.fatal({ err: error }, "executor failed to start");
  process.exit(1);
});
