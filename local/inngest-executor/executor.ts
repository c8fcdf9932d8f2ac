import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { apiRoutes } from "./api";
import { runCallJob } from "./call-job";
import { createClock, type Clock } from "./clock";
import type { ExecutorContext } from "./context";
import { stripDeployId } from "./function-config";
import { cancellationError, endRun, isActive } from "./lifecycle";
import { createLogger } from "./logger";
import type { IncomingEvent } from "./protocol";
import { JobQueue } from "./queue";
import { FunctionRegistry } from "./registry";
import { emitInternalEvent, ingestEvents } from "./routing";
import { createHttpServer } from "./server";
import { hashedSigningKey } from "./signing";
import { openDatabase, type Database } from "./store/db";
import { readMeta, writeMeta } from "./store/functions";
import { listJobsOfRun } from "./store/jobs";
import { getRun, listRuns, lockRun, type RunStatus } from "./store/runs";
import { listSteps } from "./store/steps";
import { loadRegistry, registerApp, syncAppOverHttp, type SyncResult } from "./sync";
import { defaultRetryBackoffMs } from "./time";
import { reconcileCronJobs, runTimerJob } from "./timer-jobs";
import { functionView, jobView, runView, stepView, type RunDetailView, type RunView } from "./views";

export type ExecutorOptions = {
  /**
   * Inngest signing key (`signkey-<env>-<hex>`): every request to the app is signed with it, as
   * Inngest signs them, and the app's sync answers and registrations must carry it. The app is
   * configured with the same INNGEST_SIGNING_KEY and verifies everything it is sent.
   */
  signingKey: string;
  /** The only key `POST /e/:key` accepts (the app's INNGEST_EVENT_KEY). */
  eventKey: string;
  /** Default 8288, the port Inngest's dev server uses. 0 = any free port. */
  port?: number;
  host?: string;
  /** serve() endpoints to sync on start (retried until they answer) and on `POST /v0/sync`. */
  appUrls?: string[];
  /** PostgreSQL URL; state then lives in schema `inngest_executor` (or `databaseSchema`). */
  databaseUrl?: string;
  databaseSchema?: string;
  /** PGlite data directory when no databaseUrl is given. */
  dataDir?: string;
  /** A controllable clock; by default real time plus a persisted offset moved by /v0/clock/advance. */
  clock?: Clock;
  logger?: Logger;
  retryBackoffMs?: (attempt: number) => number;
  /** Longest a single call request may take before it counts as a failed attempt. */
  callTimeoutMs?: number;
  maxInFlight?: number;
  /** Re-sync known apps this often (ms), so edited functions are picked up; 0 = only on request. */
  resyncIntervalMs?: number;
};

export type Executor = {
  /** Base URL, e.g. http://127.0.0.1:8288 (known once started). */
  readonly url: string;
  readonly clock: Clock;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Syncs one app now (and remembers it), or every known app. */
  sync(appUrl?: string): Promise<{ url: string; result?: SyncResult; error?: string }[]>;
  advanceClock(ms: number): Promise<number>;
  sendEvents(events: IncomingEvent[]): Promise<string[]>;
  getRun(runId: string): Promise<RunDetailView | null>;
  listRuns(filter?: { status?: RunStatus; functionId?: string; eventId?: string; limit?: number }): Promise<RunView[]>;
  cancelRun(runId: string): Promise<RunDetailView | null>;
  functions(): ReturnType<typeof functionView>[];
};

const CLOCK_OFFSET_KEY = "clock_offset_ms";

const SIGNING_KEY_FORMAT = /^(signkey-\w+-)?(?:[0-9a-fA-F]{2})+$/;

export function createExecutor(options: ExecutorOptions): Executor {
  if (!SIGNING_KEY_FORMAT.test(options.signingKey)) {
    throw new Error("signingKey must look like signkey-<env>-<hex> (an even number of hex digits), as Inngest issues them");
  }
  if (options.eventKey.trim() === "") throw new Error("eventKey must not be empty");
  const host = options.host ?? "127.0.0.1";
  const log = options.logger ?? createLogger();
  const clock = options.clock ?? createClock();
  const appUrls = new Set((options.appUrls ?? []).map(stripDeployId));
  const outOfBandSyncs = new Map<string, SyncResult>();
  const stopSyncing = new AbortController();
  let resyncTimer: NodeJS.Timeout | undefined;

  let db: Database | undefined;
  let ctx: ExecutorContext | undefined;
  let queue: JobQueue | undefined;
  let server: Server | undefined;
  let url = "";

  const context = (): ExecutorContext => {
    if (!ctx) throw new Error("executor not started");
    return ctx;
  };

  async function syncOne(appUrl: string) {
    try {
      const result = await syncAppOverHttp(context(), appUrl, (u) => outOfBandSyncs.get(stripDeployId(u)));
      return { url: appUrl, result };
    } catch (error) {
      return { url: appUrl, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async function sync(appUrl?: string) {
    if (appUrl) appUrls.add(stripDeployId(appUrl));
    const targets = appUrl ? [stripDeployId(appUrl)] : [...appUrls];
    return Promise.all(targets.map(syncOne));
  }

  /** The app may start after the executor: keep trying with backoff until it answers. */
  async function syncUntilReachable(appUrl: string): Promise<void> {
    let delayMs = 250;
    for (let attempt = 1; !stopSyncing.signal.aborted; attempt++) {
      const { error } = await syncOne(appUrl);
      if (!error) return;
      if (attempt === 1 || attempt % 20 === 0) log.warn({ url: appUrl, attempt, error }, "app not reachable yet; will keep retrying");
      try {
        await sleep(delayMs, undefined, { signal: stopSyncing.signal });
      } catch {
        return;
      }
      delayMs = Math.min(delayMs * 2, 5_000);
    }
  }

  /** Periodic re-sync: an app that is down (restarting) is simply tried again next time. */
  async function resyncQuietly(): Promise<void> {
    for (const outcome of await sync()) {
      if (outcome.error) log.debug({ url: outcome.url, error: outcome.error }, "periodic re-sync failed");
    }
  }

  async function getRunDetail(runId: string): Promise<RunDetailView | null> {
    const store = context().db;
    const run = await getRun(store, runId);
    if (!run) return null;
    const [steps, jobs] = await Promise.all([listSteps(store, runId), listJobsOfRun(store, runId)]);
    return { ...runView(run), steps: steps.map(stepView), jobs: jobs.map(jobView) };
  }

  async function cancelRun(runId: string): Promise<RunDetailView | null> {
    const c = context();
    await c.db.transaction(async (tx) => {
      const run = await lockRun(tx, runId);
      if (run && isActive(run)) await endRun(tx, c, run, { status: "cancelled", error: cancellationError("cancelled via API") });
    });
    c.wakeQueue();
    return getRunDetail(runId);
  }

  async function advanceClock(ms: number): Promise<number> {
    const c = context();
    const now = clock.advance(ms);
    await writeMeta(c.db, CLOCK_OFFSET_KEY, clock.offsetMs());
    log.info({ advanced_ms: ms, now: new Date(now).toISOString() }, "clock advanced");
    return now;
  }

  const executor: Executor = {
    get url() {
      return url;
    },
    clock,

    async start() {
      db = await openDatabase({
        databaseUrl: options.databaseUrl,
        dataDir: options.dataDir ?? ".data/inngest-executor",
        schema: options.databaseSchema,
      });
      if (!options.clock) {
        const savedOffset = await readMeta(db, CLOCK_OFFSET_KEY);
        if (typeof savedOffset === "number") clock.setOffset(savedOffset);
      }
      const registry = new FunctionRegistry();
      const c: ExecutorContext = {
        db,
        clock,
        log,
        registry,
        signingKey: options.signingKey,
        retryBackoffMs: options.retryBackoffMs ?? defaultRetryBackoffMs,
        eventDedupeWindowMs: 86_400_000,
        emit: (tx, event) => emitInternalEvent(tx, c, event),
        wakeQueue: () => queue?.poke(),
      };
      ctx = c;
      await loadRegistry(c);
      await db.transaction((tx) => reconcileCronJobs(tx, c));

      const callTimeoutMs = options.callTimeoutMs ?? 15 * 60_000;
      queue = new JobQueue({
        db,
        clock,
        log,
        maxInFlight: options.maxInFlight,
        handlers: {
          call: (job, signal) => runCallJob(c, job, signal, { callTimeoutMs }),
          sleep: (job) => runTimerJob(c, job),
          wait_timeout: (job) => runTimerJob(c, job),
          invoke_timeout: (job) => runTimerJob(c, job),
          cron: (job) => runTimerJob(c, job),
        },
      });

      const routes = apiRoutes({
        ctx: c,
        credentials: { eventKey: options.eventKey, hashedSigningKey: hashedSigningKey(options.signingKey) },
        registerOutOfBand: async (body) => {
          const result = await registerApp(c, {
            appId: body.appName,
            url: stripDeployId(body.url),
            sdk: body.sdk ?? null,
            syncKind: "out_of_band",
            functions: body.functions,
          });
          outOfBandSyncs.set(result.url, result);
          return result;
        },
        sync,
        advanceClock,
        getRun: getRunDetail,
        cancelRun,
      });
      server = createHttpServer(routes, log, { boundHost: host, allowedOrigins: [...appUrls] });
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(options.port ?? 8288, host, () => resolve());
      });
      const address = listening.address() as AddressInfo;
      url = `http://${host}:${address.port}`;
      await queue.start();
      log.info({ url, database: db.kind, functions: registry.all().length }, "inngest executor listening");
      for (const appUrl of appUrls) void syncUntilReachable(appUrl);
      if (options.resyncIntervalMs) {
        resyncTimer = setInterval(() => void resyncQuietly(), options.resyncIntervalMs);
        resyncTimer.unref();
      }
    },

    async stop() {
      stopSyncing.abort();
      clearInterval(resyncTimer);
      await queue?.stop();
      if (server) {
        const closing = server;
        server.closeAllConnections();
        await new Promise<void>((resolve) => closing.close(() => resolve()));
      }
      await db?.close();
      log.info("inngest executor stopped");
    },

    sync,
    advanceClock,
    sendEvents: (events) => ingestEvents(context(), events, null),
    getRun: getRunDetail,
    async listRuns(filter = {}) {
      const runs = await listRuns(context().db, {
        status: filter.status,
        functionId: filter.functionId,
        eventId: filter.eventId,
        limit: filter.limit ?? 100,
      });
      return runs.map(runView);
    },
    cancelRun,
    functions: () => context().registry.all().map(functionView),
  };
  return executor;
}
