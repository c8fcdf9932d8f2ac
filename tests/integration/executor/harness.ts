import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Inngest, type InngestFunction } from "inngest";
import { serve } from "inngest/node";
import { pino } from "pino";
import postgres from "postgres";
import { createExecutor, type Executor, type ExecutorOptions, type RunDetailView, type RunView } from "@/local/inngest-executor";
import {
  canonicalJson,
  generateEventKey,
  generateSigningKey,
  SIGNATURE_HEADER,
  signatureFor,
} from "@/local/inngest-executor/signing";

// Shared plumbing for executor integration tests: a temp-dir executor, an SDK serve() endpoint on an
// ephemeral port, and polling helpers with clear timeout messages.

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * This test process's Inngest keys, shared by every executor and SDK client it makes: the SDK runs
 * in its verifying (cloud) mode, as in the app, and the executor signs every request to it.
 */
export const TEST_KEYS = { signingKey: generateSigningKey(), eventKey: generateEventKey() };

export const quietLogger = () => pino({ level: process.env.EXECUTOR_TEST_LOG_LEVEL ?? "silent" });

/** Where an executor keeps its state: a fresh PGlite directory, or a throwaway PostgreSQL schema. */
export type ExecutorStorage = {
  name: "pglite" | "postgres";
  prepare(): Promise<PreparedStorage>;
};

export type PreparedStorage = {
  /** For createExecutor(). */
  options: Pick<ExecutorOptions, "dataDir" | "databaseUrl" | "databaseSchema">;
  /** The same place for a child process (local/inngest-executor/main.ts). */
  env: Record<string, string>;
  cleanup(): Promise<void>;
};

/**
 * The stores every executor suite runs on, like testDatabases(): PGlite always, and PostgreSQL
 * when TEST_DATABASE_URL is set (each prepare() gets its own schema, dropped by cleanup()).
 */
export function executorStorages(): ExecutorStorage[] {
  const storages: ExecutorStorage[] = [
    {
      name: "pglite",
      async prepare() {
        const dir = tempDir("executor-test-");
        return { options: { dataDir: dir.path }, env: { INNGEST_EXECUTOR_DATA_DIR: dir.path }, cleanup: async () => dir.remove() };
      },
    },
  ];
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (databaseUrl) {
    storages.push({
      name: "postgres",
      async prepare() {
        const schema = `inngest_executor_test_${randomBytes(6).toString("hex")}`;
        return {
          options: { databaseUrl, databaseSchema: schema },
          env: { INNGEST_EXECUTOR_DATABASE_URL: databaseUrl, INNGEST_EXECUTOR_DATABASE_SCHEMA: schema },
          cleanup: async () => {
            const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
            await sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
            await sql.end();
          },
        };
      },
    });
  }
  return storages;
}

/** An in-process executor on a fresh store (PGlite unless another storage is given). */
export async function startTestExecutor(
  options: Partial<ExecutorOptions> & { storage?: ExecutorStorage } = {},
): Promise<{ executor: Executor; close: () => Promise<void> }> {
  const { storage = executorStorages()[0]!, ...executorOptions } = options;
  const prepared = await storage.prepare();
  const executor = createExecutor({ ...TEST_KEYS, port: 0, logger: quietLogger(), ...prepared.options, ...executorOptions });
  try {
    await executor.start();
  } catch (error) {
    await prepared.cleanup();
    throw error;
  }
  return {
    executor,
    close: async () => {
      await executor.stop();
      await prepared.cleanup();
    },
  };
}

/**
 * An SDK client pointed at the executor, configured as the app's is: cloud mode (signatures
 * checked), the signing and event keys, the executor as base URL (the SDK's error logs silenced).
 */
export function testClient(id: string, executorUrl: string): Inngest {
  return new Inngest({ id, isDev: false, baseUrl: executorUrl, ...TEST_KEYS, logger: quietLogger() });
}

/** A JSON request to a serve() endpoint signed as Inngest signs it (`signingKey` to sign with another key). */
export function signedJson(
  body: unknown,
  headers: Record<string, string> = {},
  options: { signingKey?: string; nowMs?: number } = {},
): { headers: Record<string, string>; body: string } {
  const payload = canonicalJson(body);
  const signature = signatureFor(payload, options.signingKey ?? TEST_KEYS.signingKey, options.nowMs);
  return { headers: { "content-type": "application/json", ...headers, [SIGNATURE_HEADER]: signature }, body: payload };
}

type AnyFunction = InngestFunction.Any;

/** Serves functions with the SDK's node adapter; returns the serve URL. */
export async function serveApp(
  client: Inngest.Any,
  functions: AnyFunction[],
  port = 0,
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const handler = serve({ client, functions });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/api/inngest`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls until `probe` returns a value that is not undefined/null/false. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  description: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    last = value;
    await sleep(20);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${description} (last: ${JSON.stringify(last)})`);
}

export async function runsOf(executor: Executor, functionId: string): Promise<RunView[]> {
  return executor.listRuns({ functionId, limit: 1_000 });
}

/** Waits until the function has `count` runs in a final state, and returns them (oldest first). */
export async function waitForEndedRuns(
  executor: Executor,
  functionId: string,
  count = 1,
  timeoutMs?: number,
): Promise<RunView[]> {
  return waitFor(
    async () => {
      const ended = (await runsOf(executor, functionId)).filter((run) => ["completed", "failed", "cancelled"].includes(run.status));
      return ended.length >= count ? ended.reverse() : undefined;
    },
    `${count} ended run(s) of ${functionId}`,
    timeoutMs,
  );
}

/** Waits until a run of the function has a step in the given status (e.g. "sleeping"). */
export async function waitForStep(
  executor: Executor,
  functionId: string,
  stepStatus: string,
  count = 1,
): Promise<RunDetailView[]> {
  return waitFor(
    async () => {
      const details = await Promise.all((await runsOf(executor, functionId)).map((run) => executor.getRun(run.id)));
      const matching = details.filter(
        (run): run is RunDetailView => run !== null && run.steps.some((step) => step.status === stepStatus),
      );
      return matching.length >= count ? matching : undefined;
    },
    `${count} run(s) of ${functionId} with a ${stepStatus} step`,
  );
}

/** Resolvable promise, for steps that must block until the test releases them. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const FENCE_EVENT = "test/fence";

/** A function that does nothing but end: see passFence(). Add it to the app under test. */
export function fenceFunction(client: Inngest) {
  return client.createFunction({ id: "fence", triggers: [{ event: FENCE_EVENT }] }, async ({ event }) => event.data.token as unknown);
}

/**
 * Proves the executor has looked at everything due by now, without sleeping: the queue claims due
 * jobs in order (order_at, then id) and leases them in the claim itself, so once a run started by
 * an event sent *now* has ended, every job that was due before it has been claimed. A job still
 * queued and unleased after the fence was provably not due (or not allowed to run).
 */
export async function passFence(executor: Executor, client: Inngest.Any, fenceFunctionId: string): Promise<void> {
  const token = randomBytes(8).toString("hex");
  await client.send({ name: FENCE_EVENT, data: { token } });
  await waitFor(async () => {
    const runs = await runsOf(executor, fenceFunctionId);
    return runs.some((run) => run.event.data.token === token && run.status === "completed");
  }, `fence run ${token} completed`);
}
