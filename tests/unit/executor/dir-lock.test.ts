import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockDataDir } from "@/local/inngest-executor/store/dir-lock";

// The PGlite data-dir lock with real processes: a live holder keeps it; a dead one, a zombie (killed
// but not yet reaped: what a restart within seconds of a SIGKILL meets) or a reused pid does not.

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const started: ChildProcess[] = [];
let dir = "";

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dir-lock-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

const lockFile = () => join(dir, "executor.lock");

/** Resolves with the first line the child prints. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(text.split("\n")[0] ?? "");
    });
    child.once("exit", (code) => reject(new Error(`child exited (${String(code)}) before printing: ${text}`)));
  });
}

/** Another executor process holding the lock (the real code, in a child). */
async function holderProcess(dataDir: string): Promise<ChildProcess> {
  const script = `import("./local/inngest-executor/store/dir-lock.ts").then((m) => { m.lockDataDir(${JSON.stringify(dataDir)}); console.log("locked"); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] });
  started.push(child);
  expect(await firstLine(child)).toBe("locked");
  return child;
}

/**
 * A zombie: `sh` starts `sleep 0` in the background and then becomes `sleep 60`, which never
 * reaps it. Returns the zombie's pid and its never-reaping parent (alive).
 */
async function zombie(): Promise<{ pid: number; parent: ChildProcess }> {
  const parent = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 60"], { stdio: ["ignore", "pipe", "inherit"] });
  started.push(parent);
  const pid = Number(await firstLine(parent));
  const state = () => {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  };
  for (let i = 0; i < 500 && state() !== "Z"; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(state()).toBe("Z");
  return { pid, parent };
}

describe.runIf(process.platform === "linux")("the executor's data-dir lock", { timeout: 60_000 }, () => {
  it("refuses a directory another live executor process holds, and takes it over once that process is killed", async () => {
    const holder = await holderProcess(dir);
    expect(readFileSync(lockFile(), "utf8")).toMatch(new RegExp(`^${holder.pid} \\d+$`));
    expect(() => lockDataDir(dir)).toThrow(/already in use by executor process/);

    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    const unlock = lockDataDir(dir);
    expect(readFileSync(lockFile(), "utf8")).toMatch(new RegExp(`^${process.pid} \\d+$`));
    unlock();
  });

  it("takes over a lock whose holder is a zombie (killed, not yet reaped)", async () => {
    const { pid, parent } = await zombie();
    writeFileSync(lockFile(), String(pid)); // what a SIGKILLed executor leaves behind
    const unlock = lockDataDir(dir);
    unlock();
    // The zombie's parent is alive and, named in a lock, would keep it.
    writeFileSync(lockFile(), String(parent.pid));
    expect(() => lockDataDir(dir)).toThrow(/already in use/);
  });

  it("takes over a lock whose pid now belongs to another process (started at another time)", async () => {
    const { parent } = await zombie();
    writeFileSync(lockFile(), `${parent.pid} 1`); // the holder started at tick 1 after boot; this one did not
    const unlock = lockDataDir(dir);
    unlock();
  });

  it("refuses a second open in the same process until the first is closed", () => {
    const unlock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(/already in use/);
    unlock();
    lockDataDir(dir)();
  });
});
