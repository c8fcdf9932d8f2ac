import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { cpuProfileFlags, groupCpuSeconds } from "./cpu";

const nextBin = path.resolve("node_modules/.bin/next");

export interface NextServer {
  url: string;
  stop(): Promise<void>;
  /** CPU time the server's processes have used so far (user + system), in seconds. */
  cpuSeconds(): number;
  signal(signal: NodeJS.Signals): void;
}

/** `next build` in `dir`. */
export function buildNextApp(dir: string, env: Record<string, string> = {}) {
  return run(nextBin, ["build"], dir, { ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" });
}

/**
 * Starts `next start` in `dir` (the project unless given; built first if it has no build)
 * and waits for /api/health, which answers only after instrumentation has migrated and seeded.
 */
export async function startNextServer(
  port: number,
  env: Record<string, string>,
  dir = ".",
): Promise<NextServer> {
  const buildId = path.join(dir, ".next/BUILD_ID");
  if (!existsSync(buildId)) {
    console.log(`no production build in ${path.resolve(dir)}: running next build …`);
    await buildNextApp(dir, env);
  } else if (dir === ".") {
    console.log(`measuring the existing build in .next (built ${statSync(buildId).mtime.toISOString()}; run \`npm run build\` after changing the code)`);
  }
  const child = spawn(process.execPath, [...cpuProfileFlags(), nextBin, "start", "-p", String(port)], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "ignore", "inherit"],
    // Own process group: `next start` forks a next-server child that must stop with it.
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) {
        return { url, stop: () => stop(child), cpuSeconds: () => groupCpuSeconds(child.pid!), signal: (s) => process.kill(-child.pid!, s) };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop(child);
  throw new Error("next start did not become healthy in 60 s");
}

function stop(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    if (child.pid) process.kill(-child.pid, "SIGTERM");
  });
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: "inherit" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
}
