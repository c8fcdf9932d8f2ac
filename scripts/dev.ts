/**
 * Runs the product: the Next app (PGlite unless DATABASE_URL), plus the local Twilio sandbox
 * unless real Twilio is chosen, and the local Inngest executor unless Inngest is configured.
 * The choices come from server/config/runtime.ts (the app reports the same ones in /api/health).
 * The stand-ins' credentials are made once per install (LOCAL_SECRETS_FILE, mode 0600) and given
 * to both sides, so the app runs exactly as in production: signed Inngest calls, a Twilio account.
 *
 *   npm run dev            next dev
 *   npm start              next build (when needed) + next start
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { EnvError, parseEnv } from "@/server/config/env";
import { chooseDurableExecution, chooseSmsProvider } from "@/server/config/runtime";
import { PRIVATE_UMASK } from "@/common/private-dir";
import { appListen } from "./lib/app-listen";
import { DEFAULT_LOCAL_SECRETS_FILE, loadLocalSecrets } from "./lib/local-secrets";
import { appEnvForLocalExecutor, appEnvForSandbox, executorEnv, sandboxEnv } from "./lib/stand-ins";
import { createSupervisor } from "./lib/supervisor";

const production = process.argv.includes("--prod");
// Everything the stack writes (databases, logs, secrets) is born owner-only; children inherit it.
process.umask(PRIVATE_UMASK);
if (existsSync(".env")) process.loadEnvFile(".env");

// The app (and /admin) listens on loopback only, like the stand-ins; HOST=0.0.0.0 opens it (a container).
const { host, port, args: appArgs } = appListen(production, process.env);
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`;
const sms = chooseSmsProvider(process.env);
const durable = chooseDurableExecution(process.env);
const useSandbox = sms === "sandbox";
const useLocalExecutor = durable === "local-executor";
const sandboxPort = process.env.TWILIO_SANDBOX_PORT ?? "8465";
const executorPort = process.env.INNGEST_EXECUTOR_PORT ?? "8288";
const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
const executorUrl = `http://127.0.0.1:${executorPort}`;

const secretsFile = process.env.LOCAL_SECRETS_FILE || DEFAULT_LOCAL_SECRETS_FILE;
const local = useSandbox || useLocalExecutor ? loadLocalSecrets(secretsFile) : undefined;
if (local?.created) console.log(`[secrets]  generated the local stand-ins' keys in ${secretsFile} (mode 0600)`);

const appEnv: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: port,
  PUBLIC_URL: publicUrl,
  NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1",
  SMS_PROVIDER: sms,
  DURABLE_EXECUTION: durable,
  ...(local && useSandbox ? appEnvForSandbox(local.secrets.twilioSandbox, sandboxUrl) : {}),
  ...(local && useLocalExecutor ? appEnvForLocalExecutor(local.secrets.inngest, executorUrl) : {}),
};

// Fail before starting anything, with the same message the app would give.
try {
  parseEnv({ ...appEnv, NODE_ENV: production ? "production" : "development" });
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const supervisor = createSupervisor();
process.on("SIGINT", () => supervisor.shutdown(0));
process.on("SIGTERM", () => supervisor.shutdown(0));

const bin = (name: string) => path.join("node_modules", ".bin", name);
const tsxMain = (file: string) => ["--import", "tsx", file];

if (local && useSandbox) {
  supervisor.run({
    name: "twilio",
    command: process.execPath,
    args: tsxMain("local/twilio-sandbox/main.ts"),
    env: {
      ...process.env,
      ...sandboxEnv(local.secrets.twilioSandbox),
      TWILIO_SANDBOX_PORT: sandboxPort,
      TWILIO_SANDBOX_INBOUND_URL: `${publicUrl}/api/webhooks/twilio/inbound`,
    },
    restart: true,
  });
}
if (local && useLocalExecutor) {
  supervisor.run({
    name: "inngest",
    command: process.execPath,
    args: tsxMain("local/inngest-executor/main.ts"),
    env: {
      ...process.env,
      ...executorEnv(local.secrets.inngest),
      INNGEST_EXECUTOR_PORT: executorPort,
      INNGEST_EXECUTOR_APP_URL: `http://127.0.0.1:${port}/api/inngest`,
    },
    restart: true,
  });
}

if (production && !existsSync(".next/BUILD_ID")) {
  console.log("[build]    no production build yet: running next build");
  const build = spawnSync(bin("next"), ["build"], { env: { ...appEnv, NODE_ENV: "production" }, stdio: "inherit" });
  if (build.status !== 0) supervisor.shutdown(build.status ?? 1);
}
if (!supervisor.stopping) {
  supervisor.run({
    name: "app",
    command: bin("next"),
    args: appArgs,
    env: appEnv,
    restart: false,
  });
  const smsLine = useSandbox
    ? `Twilio sandbox :${sandboxPort} (SMS_PROVIDER=sandbox: no real texts are sent; set the TWILIO_* variables for real Twilio)`
    : "Twilio";
  const durableLine = useLocalExecutor ? `local executor :${executorPort}` : `Inngest (${process.env.INNGEST_BASE_URL || "Inngest Cloud"})`;
  console.log(
    `\nBuildOS SMS on ${publicUrl} (listening on ${host}:${port})\n` +
      `  database:          ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}\n` +
      `  SMS:               ${smsLine}\n` +
      `  durable execution: ${durableLine}\n`,
  );
}
