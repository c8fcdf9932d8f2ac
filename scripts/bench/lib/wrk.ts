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

export function ensureWrk() {
  if (spawnSync("wrk", ["--version"]).error === undefined) return;
  if (process.getuid?.() === 0) {
    execFileSync("bash", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null"], {
      stdio: "inherit",
    });
    return;
  }
  throw new Error("wrk is missing: sudo apt-get install -y wrk");
}

/**
 * A wrk Lua script that POSTs pre-made requests in turn (each line: signature TAB path TAB body)
 * and prints a JSON summary, so signing costs nothing on the load generator.
 */
function luaScript(requestsFile: string, threads: number, host: string) {
  return `
local requests = {}
for line in io.lines("${requestsFile}") do
  local sig, p, body = line:match("([^\\t]*)\\t([^\\t]*)\\t(.*)")
  requests[#requests + 1] = wrk.format("POST", p, {
    ["Host"] = "${host}",
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = sig,
  }, body)
end
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
  requests: Array<{ signature: string; path: string; body: string }>;
  connections: number;
  threads: number;
  seconds: number;
  workDir: string;
  name: string;
}): WrkResult {
  const requestsFile = path.resolve(opts.workDir, `${opts.name}.requests.tsv`);
  writeFileSync(requestsFile, opts.requests.map((r) => `${r.signature}\t${r.path}\t${r.body}`).join("\n") + "\n");
  const scriptFile = path.resolve(opts.workDir, `${opts.name}.lua`);
  writeFileSync(scriptFile, luaScript(requestsFile, opts.threads, new URL(opts.url).host));
  const output = execFileSync(
    "wrk",
    ["-t", String(opts.threads), "-c", String(opts.connections), "-d", `${opts.seconds}s`, "--timeout", "5s", "-s", scriptFile, opts.url],
    { encoding: "utf8" },
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
