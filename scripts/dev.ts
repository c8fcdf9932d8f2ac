/**
 * Runs the product on the embedded defaults: the Next app (PGlite unless DATABASE_URL),
 * the local Twilio sandbox (unless real Twilio is configured) and the local Inngest
 * executor (unless Inngest Cloud / self-hosted Inngest is configured).
 *
 *   npm run dev            next dev
 *   npm start              next build (when needed) + next start
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { EnvError, parseEnv } from "@/server/config/env";

const production = process.argv.includes("--prod");
if (existsSync(".env")) process.loadEnvFile(".env");

const port = process.env.PORT ?? "3000";
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`;
const useSandbox = !process.env.TWILIO_ACCOUNT_SID;
const useLocalExecutor = !process.env.INNGEST_SIGNING_KEY && !process.env.INNGEST_BASE_URL;
const sandboxPort = process.env.TWILIO_SANDBOX_PORT ?? "8465";
const executorPort = process.env.INNGEST_EXECUTOR_PORT ?? "8288";

const appEnv: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: port,
  PUBLIC_URL: publicUrl,
  NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1",
  ...(useSandbox ? { TWILIO_SANDBOX_URL: `http://127.0.0.1:${sandboxPort}` } : {}),
  ...(useLocalExecutor ? { INNGEST_DEV: "1", INNGEST_BASE_URL: `http://127.0.0.1:${executorPort}` } : {}),
};

// Fail before starting anything, with the same message the app would give.
try {
  parseEnv({ ...appEnv, NODE_ENV: production ? "production" : "development" });
} catch (error) {
  if (!(error instanceof EnvError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
  // Same process group as this script, so a test runner that kills the group stops everything;
  // the stand-ins also watch for this script's death (STOP_WITH_PARENT).
  const child = spawn(command, args, { env: { ...env, STOP_WITH_PARENT: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = `[${name}]`.padEnd(10);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) process.stdout.write(`${prefix} ${line}\n`);
    });
  }
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`${prefix} exited (${signal ?? code}); stopping everything`);
    shutdown(code ?? 1);
  });
  children.push(child);
}

function shutdown(code: number) {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

const bin = (name: string) => path.join("node_modules", ".bin", name);

if (useSandbox) {
  run(
    "twilio",
    process.execPath,
    ["--import", "tsx", "local/twilio-sandbox/main.ts"],
    { ...process.env, TWILIO_SANDBOX_PORT: sandboxPort, TWILIO_SANDBOX_INBOUND_URL: `${publicUrl}/api/webhooks/twilio/inbound` },
  );
}
if (useLocalExecutor) {
  run(
    "inngest",
    process.execPath,
    ["--import", "tsx", "local/inngest-executor/main.ts"],
    { ...process.env, INNGEST_EXECUTOR_PORT: executorPort, INNGEST_EXECUTOR_APP_URL: `http://127.0.0.1:${port}/api/inngest` },
  );
}

if (production && !existsSync(".next/BUILD_ID")) {
  console.log("[build]    no production build yet: running next build");
  const build = spawnSync(bin("next"), ["build"], { env: { ...appEnv, NODE_ENV: "production" }, stdio: "inherit" });
  if (build.status !== 0) shutdown(build.status ?? 1);
}
if (!stopping) {
  run("app", bin("next"), production ? ["start", "-p", port] : ["dev", "-p", port], appEnv);
  console.log(
    `\nBuildOS SMS on ${publicUrl}  (database: ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}, ` +
      `SMS: ${useSandbox ? `Twilio sandbox :${sandboxPort}` : "Twilio"}, ` +
      `durable execution: ${useLocalExecutor ? `local executor :${executorPort}` : "Inngest"})\n`,
  );
}
