import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

// CPU time of other processes, from /proc (Linux): unlike throughput, CPU time per request or per
// text hardly moves when other work shares the machine, so it says where a run's time went.

const clockTicksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** User + system CPU seconds of one process so far (0 once it has ended). */
export function processCpuSeconds(pid: number): number {
  try {
    // Fields after the ")" that ends the command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

function listProcesses(format: string): string[][] {
  return execFileSync("ps", ["-e", "-o", format], { encoding: "utf8" })
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length > 1);
}

/** CPU seconds of every process in a process group. */
export function groupCpuSeconds(pgid: number): number {
  return listProcesses("pid=,pgid=")
    .filter(([, group]) => Number(group) === pgid)
    .reduce((sum, [pid]) => sum + processCpuSeconds(Number(pid)), 0);
}

/**
 * CPU seconds of the local PostgreSQL backends connected to one database (their process titles
 * name it). Null when none is found, e.g. when the server runs on another machine.
 */
export function postgresBackendsCpuSeconds(database: string): number | null {
  const backends = listProcesses("pid=,args=")
    .filter(([, ...args]) => args[0] === "postgres:" && args.includes(database))
    .map(([pid]) => Number(pid));
  return backends.length === 0 ? null : backends.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
}

/**
 * Node flags that make a process write a V8 CPU profile into BENCH_PROFILE_DIR when it stops
 * (open it in Chrome's DevTools); none when it is unset.
 */
export function cpuProfileFlags(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  const intervalUs = process.env.BENCH_PROFILE_INTERVAL_US; // V8 samples every 1,000 µs unless told
  return dir ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(dir), ...(intervalUs ? ["--cpu-prof-interval", intervalUs] : [])] : [];
}

/** Busy and total CPU seconds of the whole machine so far (all cores, from /proc/stat). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: idle and iowait are the idle time.
  const total = fields.slice(0, 8).reduce((sum, n) => sum + n, 0);
  const idle = fields[3]! + fields[4]!;
  return { busy: (total - idle) / clockTicksPerSecond, total: total / clockTicksPerSecond };
}
