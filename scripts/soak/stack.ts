import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { generateEventKey, generateSigningKey } from "@/local/inngest-executor/signing";
import { generateSandboxCredentials } from "@/local/twilio-sandbox/credentials";
import { freshDatabase } from "../bench/lib/database";
import { buildNextApp, startNextServer, type NextServer } from "../bench/lib/next-server";
import { appEnvForLocalExecutor, appEnvForSandbox, executorEnv, sandboxEnv } from "../lib/stand-ins";
import { startFront, type TappedCreate } from "./proxy";

/**
 * The stack under test: two `next start` instances of the production build on one PostgreSQL
 * database, a round-robin front (PUBLIC_URL: the engine and Twilio's callbacks reach either
 * instance through it), the local executor (its state in a database of its own, so killing the
 * app's connections leaves it alone) and the Twilio sandbox, each its own process. The stand-ins
 * outlive the app instances, which are killed and restarted; the executor is killed and
 * restarted too and keeps its runs.
 */
export const PORTS = { apps: [3600, 3610], front: 3620, sandbox: 3630, tap: 3631, executor: 3640 } as const;

export const ADMIN = { email: "soak-admin@soak.test", password: "soak-admin-password-1" };

export interface Stack {
  frontUrl: string;
  sandboxUrl: string;
  executorUrl: string;
  appDatabaseUrl: string;
  eventKey: string;
  /** The tap's record of message creates (from index `since`). */
  creates(since?: number): Promise<{ total: number; creates: TappedCreate[] }>;
  /** Instances currently up (by port). */
  upInstances(): number[];
  killApp(port: number): void;
  startApp(port: number): Promise<void>;
  killExecutor(): void;
  startExecutor(): Promise<void>;
  stop(): Promise<void>;
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function logStream(dir: string, name: string) {
  return createWriteStream(path.join(dir, `${name}.log`), { flags: "a" });
}

export async function ensureBuild(reuse: boolean): Promise<void> {
  if (reuse && existsSync(".next/BUILD_ID")) {
    console.log("reusing the production build in .next (--reuse-build)");
    return;
  }
  console.log("next build …");
  await buildNextApp(".");
}

export async function startStack(options: { maxPerSecond: number; logDir: string }): Promise<Stack> {
  mkdirSync(options.logDir, { recursive: true });
  const appDatabaseUrl = await freshDatabase("soak_app");
  const engineDatabaseUrl = await freshDatabase("soak_engine");
  const account = generateSandboxCredentials();
  const keys = { signingKey: generateSigningKey(), eventKey: generateEventKey() };
  const frontUrl = `http://127.0.0.1:${PORTS.front}`;
  const sandboxUrl = `http://127.0.0.1:${PORTS.sandbox}`;
  const executorUrl = `http://127.0.0.1:${PORTS.executor}`;

  const apps = new Map<number, NextServer>();
  const front = await startFront(PORTS.front, () => [...PORTS.apps]);

  const spawnLogged = (name: string, file: string, env: Record<string, string>): ChildProcess => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      env: { ...process.env, ...env, STOP_WITH_PARENT: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log = logStream(options.logDir, name);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    return child;
  };

  const sandbox = spawnLogged("sandbox", "local/twilio-sandbox/main.ts", {
    ...sandboxEnv(account),
    TWILIO_SANDBOX_PORT: String(PORTS.sandbox),
    TWILIO_SANDBOX_INBOUND_URL: `${frontUrl}/api/webhooks/twilio/inbound`,
    TWILIO_SANDBOX_DELIVERY_DELAY_MS: "150",
  });
  await until(async () => (await fetch(`${sandboxUrl}/__sandbox/health`)).ok, "the sandbox", 60_000);
  const tapUrl = `http://127.0.0.1:${PORTS.tap}`;
  const tap = spawnLogged("tap", "scripts/soak/tap-main.ts", { SOAK_TAP_PORT: String(PORTS.tap), SOAK_SANDBOX_PORT: String(PORTS.sandbox) });
  const creates = async (since = 0) =>
    (await (await fetch(`${tapUrl}/__tap/creates?since=${since}`, { signal: AbortSignal.timeout(30_000) })).json()) as {
      total: number;
      creates: TappedCreate[];
    };
  await until(async () => (await creates(0)).total >= 0, "the tap", 60_000);

  let executor: ChildProcess | null = null;
  const startExecutor = async () => {
    executor = spawnLogged("executor", "local/inngest-executor/main.ts", {
      ...executorEnv(keys),
      INNGEST_EXECUTOR_PORT: String(PORTS.executor),
      INNGEST_EXECUTOR_APP_URL: `${frontUrl}/api/inngest`,
      INNGEST_EXECUTOR_DATABASE_URL: engineDatabaseUrl,
      INNGEST_EXECUTOR_LOG_LEVEL: "warn",
      INNGEST_EXECUTOR_MAX_IN_FLIGHT: "32",
    });
    await until(async () => (await fetch(`${executorUrl}/health`)).ok, "the executor", 60_000);
  };
  await startExecutor();

  const appEnv: Record<string, string> = {
    DATABASE_URL: appDatabaseUrl,
    DATABASE_POOL_SIZE: "6",
    PUBLIC_URL: frontUrl,
    ...appEnvForSandbox(account, tapUrl),
    ...appEnvForLocalExecutor(keys, executorUrl),
    SMS_MAX_PER_SECOND: String(options.maxPerSecond),
    BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    AUTH_RATE_LIMIT_PER_MINUTE: "100000",
    // The soak signs up and verifies its users from one address as fast as it can: the global
    // budgets that bound a real install's spend would only slow its set-up.
    AUTH_GLOBAL_PER_MINUTE: "100000",
    VERIFY_SENDS_PER_COUNTRY_PER_HOUR: "100000",
    VERIFY_SENDS_GLOBAL_PER_HOUR: "100000",
    VERIFY_SENDS_PER_USER_PER_HOUR: "100000",
    VERIFY_SENDS_PER_NUMBER_PER_HOUR: "100000",
    VERIFY_SENDS_PER_ADDRESS_PER_HOUR: "100000",
    VERIFY_CHECKS_PER_USER_PER_HOUR: "100000",
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
  };
  const startApp = async (port: number) => {
    apps.set(port, await startNextServer(port, appEnv));
  };
  // The instances run in process groups of their own: never leave them behind.
  process.once("exit", () => {
    for (const app of apps.values()) app.signal("SIGKILL");
  });
  // One after the other: the first start migrates and seeds.
  for (const port of PORTS.apps) await startApp(port);
  await until(
    async () => {
      await fetch(`${executorUrl}/v0/sync`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      const body = (await (await fetch(`${executorUrl}/v0/functions`)).json()) as { functions: unknown[] };
      return body.functions.length >= 3;
    },
    "the executor to sync the app's functions",
    120_000,
  );

  return {
    frontUrl,
    sandboxUrl,
    executorUrl,
    appDatabaseUrl,
    eventKey: keys.eventKey,
    creates,
    upInstances: () => [...apps.keys()],
    killApp(port) {
      apps.get(port)?.signal("SIGKILL");
      apps.delete(port);
    },
    startApp,
    killExecutor() {
      executor?.kill("SIGKILL");
      executor = null;
    },
    startExecutor,
    async stop() {
      for (const app of apps.values()) app.signal("SIGKILL");
      apps.clear();
      (executor as ChildProcess | null)?.kill("SIGTERM");
      sandbox.kill("SIGTERM");
      tap.kill("SIGTERM");
      await front.close();
    },
  };
}
