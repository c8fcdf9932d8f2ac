import { spawn, type ChildProcess } from "node:child_process";

/**
 * Runs the processes of `npm run dev` / `npm start` with prefixed output. A stand-in that dies
 * (`restart: true`) is started again with exponential backoff and a log line, so the app and the
 * other stand-in keep running (and the executor keeps its runs); the app dying stops everything.
 */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  restart: boolean;
}

export interface SupervisorOptions {
  log?: (line: string) => void;
  /** Called once everything has stopped (default: process.exit). */
  exit?: (code: number) => void;
  /** First restart delay, doubled per quick successive crash up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A process that ran this long before dying starts again at the first delay. */
  stableAfterMs?: number;
  /** How long stopping waits for children before exiting anyway. */
  stopTimeoutMs?: number;
}

export interface Supervisor {
  run(spec: ProcessSpec): void;
  shutdown(code: number): void;
  readonly stopping: boolean;
  /** The live child of a process name (tests). */
  child(name: string): ChildProcess | undefined;
}

export function createSupervisor(options: SupervisorOptions = {}): Supervisor {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const firstDelay = options.restartDelayMs ?? 1_000;
  const maxDelay = options.maxRestartDelayMs ?? 30_000;
  const stableAfter = options.stableAfterMs ?? 60_000;
  const stopTimeout = options.stopTimeoutMs ?? 5_000;

  const children = new Map<string, ChildProcess>();
  const restartTimers = new Set<NodeJS.Timeout>();
  let stopping = false;

  function start(spec: ProcessSpec, crashesInARow: number) {
    const prefix = `[${spec.name}]`.padEnd(10);
    // Same process group as the caller, so a test runner that kills the group stops everything;
    // the stand-ins also watch for their parent's death (STOP_WITH_PARENT).
    const child = spawn(spec.command, spec.args, {
      env: { ...spec.env, STOP_WITH_PARENT: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const startedAt = Date.now();
    children.set(spec.name, child);
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = "";
      stream.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) log(`${prefix} ${line}`);
      });
    }
    child.on("error", (error) => log(`${prefix} could not start: ${error.message}`));
    child.on("exit", (code, signal) => {
      if (stopping) return;
      const how = signal ?? code;
      if (!spec.restart) {
        log(`${prefix} exited (${how}); stopping everything`);
        shutdown(code ?? 1);
        return;
      }
      const crashes = Date.now() - startedAt >= stableAfter ? 0 : crashesInARow;
      const delay = Math.min(firstDelay * 2 ** crashes, maxDelay);
      log(`${prefix} exited (${how}); restarting in ${delay} ms (restart ${crashes + 1} in a row)`);
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        if (!stopping) start(spec, crashes + 1);
      }, delay);
      restartTimers.add(timer);
    });
  }

  function shutdown(code: number) {
    if (stopping) return;
    stopping = true;
    for (const timer of restartTimers) clearTimeout(timer);
    restartTimers.clear();
    const running = [...children.values()].filter((child) => child.exitCode === null && child.signalCode === null);
    for (const child of running) child.kill("SIGTERM");
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      exit(code);
    };
    const timeout = setTimeout(finish, stopTimeout);
    timeout.unref();
    void Promise.all(running.map((child) => new Promise((resolve) => child.once("exit", resolve)))).then(() => {
      clearTimeout(timeout);
      finish();
    });
  }

  return {
    run: (spec) => start(spec, 0),
    shutdown,
    get stopping() {
      return stopping;
    },
    child: (name) => children.get(name),
  };
}
