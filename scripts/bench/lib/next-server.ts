import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";

/** Starts `next start` (building first if there is no build) and waits for /api/health. */
export async function startNextServer(port: number, env: NodeJS.ProcessEnv): Promise<{ url: string; stop(): Promise<void> }> {
  if (!existsSync(".next/BUILD_ID")) {
    console.log("no production build: running next build …");
    await run("node_modules/.bin/next", ["build"], env);
  }
  const child = spawn("node_modules/.bin/next", ["start", "-p", String(port)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
    // Own process group: `next start` forks a next-server child that must stop with it.
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return { url, stop: () => stop(child) };
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

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: "inherit" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}
