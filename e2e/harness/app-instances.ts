import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import postgres from "postgres";
import { E2E_ADMIN } from "../../playwright.config";

export interface AppInstance {
  url: string;
  sandboxUrl: string;
  stop(): Promise<void>;
}

/** A fresh database on the local PostgreSQL (scripts/start-postgres.sh starts it when needed). */
export function freshPostgresDatabase(): string {
  const name = `e2e_live_${randomBytes(4).toString("hex")}`;
  const made = spawnSync("bash", ["scripts/start-postgres.sh", name], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`PostgreSQL for the two-instance test: ${made.stderr}`);
  return made.stdout.trim().split("\n").pop()!;
}

/** Drops a database made by freshPostgresDatabase (its apps must be stopped first). */
export async function dropPostgresDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  target.pathname = "/postgres";
  const admin = postgres(target.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * One more app as production runs it (`scripts/dev.ts --prod` on the existing build) with its own
 * Twilio sandbox and executor, on `databaseUrl`: two of them on one database are two instances
 * behind a load balancer. Resolves when /api/health answers.
 */
export async function startAppInstance(options: { name: string; port: number; databaseUrl: string; authSecret: string }): Promise<AppInstance> {
  const { port } = options;
  const dataDir = `.data/e2e/${options.name}`;
  rmSync(dataDir, { recursive: true, force: true });
  const url = `http://localhost:${port}`;
  const child: ChildProcess = spawn("node_modules/.bin/tsx", ["scripts/dev.ts", "--prod"], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      PUBLIC_URL: url,
      DATABASE_URL: options.databaseUrl,
      BETTER_AUTH_SECRET: options.authSecret,
      LOCAL_SECRETS_FILE: `${dataDir}/secrets.json`,
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      TWILIO_SANDBOX_PORT: String(port + 1),
      INNGEST_EXECUTOR_PORT: String(port + 2),
      INNGEST_EXECUTOR_DATA_DIR: `${dataDir}/inngest-executor`,
      LOG_LEVEL: "warn",
      AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited: ${stderr}`);
    const healthy = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (healthy) return { url, sandboxUrl: `http://127.0.0.1:${port + 1}`, stop };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`${options.name} did not become healthy in 2 minutes: ${stderr}`);
}
