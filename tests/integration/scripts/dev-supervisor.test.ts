import { afterEach, describe, expect, it } from "vitest";
import { createSupervisor, type Supervisor } from "@/scripts/lib/supervisor";
import { waitFor } from "../executor/harness";

/**
 * The process supervision of `npm run dev` / `npm start` with real child processes: a stand-in
 * that dies is restarted with growing delays and a log line while the others keep running; the
 * app dying stops everything.
 */
const node = process.execPath;
const longRunning = ["-e", "console.log('started ' + process.pid); setInterval(() => {}, 1000)"];

let supervisor: Supervisor | undefined;
let exited: number[] = [];
let lines: string[] = [];
function supervise() {
  lines = [];
  exited = [];
  supervisor = createSupervisor({
    log: (line) => lines.push(line),
    exit: (code) => exited.push(code),
    restartDelayMs: 20,
    maxRestartDelayMs: 80,
    stableAfterMs: 60_000,
  });
  return supervisor;
}
afterEach(async () => {
  supervisor?.shutdown(0);
  await waitFor(() => exited.length > 0, "supervisor stopped");
  supervisor = undefined;
});

const startedPids = (name: string) =>
  lines.filter((line) => line.startsWith(`[${name}]`) && / started \d+$/.test(line)).map((line) => Number(line.split(" ").pop()));

describe("the dev supervisor", () => {
  it("restarts a dead stand-in with a log line, and leaves the app and the other stand-in running", async () => {
    const s = supervise();
    s.run({ name: "twilio", command: node, args: longRunning, env: process.env, restart: true });
    s.run({ name: "inngest", command: node, args: longRunning, env: process.env, restart: true });
    s.run({ name: "app", command: node, args: longRunning, env: process.env, restart: false });
    await waitFor(() => startedPids("twilio").length === 1 && startedPids("inngest").length === 1 && startedPids("app").length === 1, "all started");
    const [firstTwilio] = startedPids("twilio");

    s.child("twilio")?.kill("SIGKILL");
    await waitFor(() => startedPids("twilio").length === 2, "twilio restarted");
    expect(lines).toContainEqual(expect.stringMatching(/^\[twilio\]\s+exited \(SIGKILL\); restarting in 20 ms \(restart 1 in a row\)$/));
    expect(startedPids("twilio")[1]).not.toBe(firstTwilio);
    expect(startedPids("inngest")).toHaveLength(1);
    expect(startedPids("app")).toHaveLength(1);
    expect(s.child("app")?.exitCode).toBeNull();
    expect(s.child("inngest")?.exitCode).toBeNull();
    expect(exited).toEqual([]);
  });

  it("backs off exponentially, up to the cap, while a stand-in keeps crashing", async () => {
    const s = supervise();
    s.run({ name: "twilio", command: node, args: ["-e", "process.exit(3)"], env: process.env, restart: true });
    await waitFor(() => lines.filter((line) => line.includes("restarting in")).length >= 4, "four restarts");
    const delays = lines.filter((line) => line.includes("restarting in")).slice(0, 4).map((line) => /restarting in (\d+) ms/.exec(line)?.[1]);
    expect(delays).toEqual(["20", "40", "80", "80"]);
    expect(lines[0]).toMatch(/exited \(3\)/);
  });

  it("stops everything when the app dies, with the app's exit code", async () => {
    const s = supervise();
    s.run({ name: "twilio", command: node, args: longRunning, env: process.env, restart: true });
    s.run({ name: "app", command: node, args: ["-e", "setTimeout(() => process.exit(7), 300)"], env: process.env, restart: false });
    await waitFor(() => exited.length === 1, "supervisor exit");
    expect(exited).toEqual([7]);
    expect(lines).toContainEqual(expect.stringMatching(/^\[app\]\s+exited \(7\); stopping everything$/));
    expect(s.child("twilio")?.signalCode).toBe("SIGTERM");
    expect(lines.some((line) => line.includes("restarting"))).toBe(false);
  });
});
