import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { waitFor } from "./harness";

// Runs local/inngest-executor/main.ts as a child process, so tests can SIGKILL it mid-work.

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export type ChildExecutor = {
  url: string;
  /** SIGKILL: no graceful shutdown, leases and in-flight calls are left as they are. */
  kill(): Promise<void>;
  output(): string;
};

export async function launchExecutor(options: {
  port: number;
  appUrl: string;
  storageEnv: Record<string, string>;
  expectedFunctions: number;
  /** How long to wait for start-up and the first sync (PGlite's boot is slow on a loaded machine). */
  startTimeoutMs?: number;
}): Promise<ChildExecutor> {
  const url = `http://127.0.0.1:${options.port}`;
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "local/inngest-executor/main.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      INNGEST_EXECUTOR_PORT: String(options.port),
      INNGEST_EXECUTOR_APP_URL: options.appUrl,
      INNGEST_EXECUTOR_LOG_LEVEL: process.env.EXECUTOR_TEST_LOG_LEVEL ?? "warn",
      ...options.storageEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`executor exited with ${child.exitCode}:\n${output}`);
        const response = await fetch(`${url}/v0/functions`).catch(() => null);
        if (!response?.ok) return false;
        const body = (await response.json()) as { functions: unknown[] };
        return body.functions.length >= options.expectedFunctions;
      },
      "child executor up and app synced",
      options.startTimeoutMs ?? 30_000,
    );
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- executor output ---\n${output}`);
  }

  return {
    url,
    output: () => output,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
