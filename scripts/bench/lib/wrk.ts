import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  non2xx: number;
  errors: number;
}

/** One pre-made request; wrk cycles through a list of them. */
export interface WrkRequest {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** wrk comes from Debian; installed here when running as root, otherwise the command to run is named. */
export function ensureWrk() {
  if (spawnSync("wrk", ["--version"]).error === undefined) return;
  if (process.getuid?.() === 0) {
    console.log("wrk is missing: installing Debian's wrk …");
    execFileSync("bash", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null"], {
      stdio: "inherit",
    });
    return;
  }
  throw new Error("wrk is missing: run `sudo apt-get install -y wrk`, then run the bench again");
}

/** A Lua string literal: printable ASCII as is, everything else as a decimal escape. */
function luaString(value: string): string {
  let out = '"';
  for (const byte of Buffer.from(value, "utf8")) {
    const char = String.fromCharCode(byte);
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (byte >= 0x20 && byte < 0x7f) out += char;
    else out += `\\${byte}`;
  }
  return `${out}"`;
}

function luaRequest(request: WrkRequest, host: string): string {
  const headers = { Host: host, ...request.headers };
  const table = Object.entries(headers)
    .map(([name, value]) => `[${luaString(name)}] = ${luaString(value)}`)
    .join(", ");
  const body = request.body === undefined ? "nil" : luaString(request.body);
  return `requests[#requests + 1] = wrk.format(${luaString(request.method)}, ${luaString(request.path)}, { ${table} }, ${body})`;
}

/**
 * A wrk Lua script that sends the pre-made requests in turn (each thread starting at its own
 * offset) and prints a JSON summary, so making requests (signing, encoding) costs nothing
 * on the load generator.
 */
function luaScript(requests: WrkRequest[], threads: number, host: string) {
  return `
local requests = {}
${requests.map((r) => luaRequest(r, host)).join("\n")}
local counter = 0
local threads_made = 0
-- setup() runs in the main Lua state; thread:set() writes a global of the thread's own state.
function setup(thread)
  thread:set("offset", threads_made)
  threads_made = threads_made + 1
end
function init(args)
  counter = offset or 0
end
function request()
  local r = requests[(counter % #requests) + 1]
  counter = counter + ${threads}
  return r
end
function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format('WRK_JSON {"requests":%d,"micros":%d,"p50":%d,"p99":%d,"non2xx":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
`;
}

export function runWrk(opts: {
  url: string;
  requests: WrkRequest[];
  connections: number;
  threads: number;
  seconds: number;
  workDir: string;
  name: string;
}): WrkResult {
  const scriptFile = path.resolve(opts.workDir, `${opts.name}.lua`);
  writeFileSync(scriptFile, luaScript(opts.requests, opts.threads, new URL(opts.url).host));
  const output = execFileSync(
    "wrk",
    ["-t", String(opts.threads), "-c", String(opts.connections), "-d", `${opts.seconds}s`, "--timeout", "5s", "-s", scriptFile, opts.url],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  const line = output.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (!line) throw new Error(`wrk printed no summary:\n${output}`);
  const raw = JSON.parse(line.slice("WRK_JSON ".length)) as {
    requests: number; micros: number; p50: number; p99: number; non2xx: number; errors: number;
  };
  const seconds = raw.micros / 1e6;
  return {
    requests: raw.requests,
    seconds,
    rps: raw.requests / seconds,
    p50ms: raw.p50 / 1000,
    p99ms: raw.p99 / 1000,
    non2xx: raw.non2xx,
    errors: raw.errors,
  };
}

/** One printed line: throughput, latency and failures of a run. */
export function formatResult(name: string, r: WrkResult, width = 26) {
  return `${name.padEnd(width)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50ms.toFixed(1).padStart(6)} ms   p99 ${r.p99ms.toFixed(1).padStart(6)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
}
