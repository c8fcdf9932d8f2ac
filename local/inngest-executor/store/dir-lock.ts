import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// A PGlite data directory must be opened by one process (and one executor) at a time; opening it
// twice corrupts it. A pid file makes a second opener fail loudly. A lock left by a killed process
// names a dead pid and is taken over.
//
// "Dead" includes two cases where kill(pid, 0) still succeeds:
// - a zombie: the holder was SIGKILLed but its parent has not reaped it yet (seconds, under a shell
//   or a supervisor that waits late). It holds no files any more.
// - a reused pid: the holder died long ago and an unrelated process got its number. The lock file
//   records the holder's start time, and a process with the same pid but another start is not it.

const LOCK_FILE = "executor.lock";
const openedHere = new Set<string>();

type Holder = { pid: number; start: string | null };

/** What the process table says about a pid: gone, a zombie, or alive since `start` (null: unknown). */
type ProcessStatus = { kind: "gone" } | { kind: "zombie" } | { kind: "alive"; start: string | null };

function processStatus(pid: number): ProcessStatus {
  try {
    process.kill(pid, 0);
  } catch (error) {
    const exists = error instanceof Error && "code" in error && error.code === "EPERM"; // exists, not ours
    if (!exists) return { kind: "gone" };
  }
  if (process.platform === "linux") {
    const stat = procStat(pid);
    if (!stat) return { kind: "gone" }; // exited between the two looks
    return stat.state === "Z" || stat.state === "X" ? { kind: "zombie" } : { kind: "alive", start: stat.start };
  }
  return psState(pid)?.startsWith("Z") ? { kind: "zombie" } : { kind: "alive", start: null };
}

/** Linux: state and start time (clock ticks after boot) from /proc/<pid>/stat. */
function procStat(pid: number): { state: string; start: string } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const start = fields[19]; // field 22 of the whole line
  return state && start ? { state, start } : null;
}

/** Elsewhere (macOS, BSD): ps prints the state letters; "Z" is a zombie. */
function psState(pid: number): string | null {
  try {
    return execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

function readHolder(path: string): Holder | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch {
    return null;
  }
  const [pidText, start] = text.split(" ");
  const pid = Number(pidText);
  return Number.isInteger(pid) && pid > 0 ? { pid, start: start ?? null } : null;
}

function holdsLock(holder: Holder): boolean {
  if (holder.pid === process.pid) return false; // our own stale file (openedHere tracks live opens)
  const status = processStatus(holder.pid);
  if (status.kind !== "alive") return false;
  return holder.start === null || status.start === null || status.start === holder.start;
}

export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  const holder = readHolder(path);
  if ((holder && holdsLock(holder)) || openedHere.has(path)) {
    throw new Error(`PGlite data dir ${dataDir} is already in use by executor process ${holder?.pid ?? process.pid}`);
  }
  const start = processStatus(process.pid);
  writeFileSync(path, start.kind === "alive" && start.start ? `${process.pid} ${start.start}` : String(process.pid));
  openedHere.add(path);
  return () => {
    openedHere.delete(path);
    rmSync(path, { force: true });
  };
}
