import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// A PGlite data directory must be opened by one process (and one executor) at a time; opening it
// twice corrupts it. A pid file makes a second opener fail loudly. A lock left by a killed process
// names a dead pid and is taken over.

const LOCK_FILE = "executor.lock";
const openedHere = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM"; // alive, not ours
  }
}

export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  let holder: number | null = null;
  try {
    holder = Number(readFileSync(path, "utf8").trim());
  } catch {
    holder = null;
  }
  const heldByOtherProcess = holder !== null && holder !== process.pid && Number.isInteger(holder) && processAlive(holder);
  if (heldByOtherProcess || openedHere.has(path)) {
    throw new Error(`PGlite data dir ${dataDir} is already in use by executor process ${holder ?? process.pid}`);
  }
  writeFileSync(path, String(process.pid));
  openedHere.add(path);
  return () => {
    openedHere.delete(path);
    rmSync(path, { force: true });
  };
}
