import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Clock } from "./clock";
import { ConcurrencyTracker, readThrottleTicket, ThrottleGate } from "./flow-control";
import type { ConcurrencyKey } from "./store/runs";
import type { Database } from "./store/db";
import {
  claimDueJobs,
  deferJob,
  nextDueTime,
  releaseLeases,
  renewLeases,
  type JobKind,
  type JobRecord,
} from "./store/jobs";

export type JobHandler = (job: JobRecord, signal: AbortSignal) => Promise<void>;

export type JobQueueOptions = {
  db: Database;
  clock: Clock;
  log: Logger;
  handlers: Record<JobKind, JobHandler>;
  /** Jobs handled at once (calls to the app in flight plus timer jobs). */
  maxInFlight?: number;
  /** Real-time lease length; renewed while a job runs, so only a dead executor's leases expire. */
  leaseMs?: number;
  /** Upper bound on how long the worker sleeps between looks at the queue. */
  idlePollMs?: number;
};

type InFlight = { controller: AbortController; done: Promise<void>; slots: ConcurrencyKey[] };

/**
 * Claims due jobs and runs them. Wakes on poke() (new work, finished work, clock moves), at the next
 * due time, or after idlePollMs. Call jobs also take concurrency slots; a job whose slots are full
 * stays queued until a running call ends.
 */
export class JobQueue {
  readonly owner = `executor-${randomUUID()}`;
  private readonly concurrency = new ConcurrencyTracker();
  private readonly throttle = new ThrottleGate();
  private readonly inFlight = new Map<number, InFlight>();
  private readonly maxInFlight: number;
  private readonly leaseMs: number;
  private readonly idlePollMs: number;
  private running = false;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private stopClockListener: (() => void) | undefined;

  constructor(private readonly options: JobQueueOptions) {
    this.maxInFlight = options.maxInFlight ?? 16;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.idlePollMs = options.idlePollMs ?? 1_000;
  }

  async start(): Promise<void> {
    // One executor owns its store: leases left by a previous (killed) process are stale, so their
    // jobs, including calls whose answers were lost, become claimable right away.
    const released = await releaseLeases(this.options.db, { notOwner: this.owner });
    if (released > 0) this.options.log.warn({ jobs: released }, "took back jobs leased by a previous executor process");
    this.running = true;
    this.stopClockListener = this.options.clock.onChange(() => this.poke());
    this.leaseTimer = setInterval(() => void this.renewLeases(), Math.max(1_000, this.leaseMs / 3));
    this.leaseTimer.unref();
    this.poke();
  }

  /** Aborts calls in flight (their jobs stay queued for the next start) and waits for handlers. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.wakeTimer);
    clearInterval(this.leaseTimer);
    this.stopClockListener?.();
    await this.pumping; // a claim in progress finishes first (and launches nothing)
    for (const job of this.inFlight.values()) job.controller.abort();
    await Promise.allSettled([...this.inFlight.values()].map((job) => job.done));
    await releaseLeases(this.options.db, { owner: this.owner });
  }

  poke(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
    });
  }

  private async pump(): Promise<void> {
    clearTimeout(this.wakeTimer);
    try {
      while (this.running) {
        this.pumpAgain = false;
        const jobs = await this.claim();
        if (!this.running) break; // stopping: claimed jobs keep their lease until the next start
        for (const job of jobs.claimed) this.launch(job, jobs.slots.get(job.id) ?? []);
        // A throttle key closed during this claim: look again at once, skipping its backlog, so
        // the work queued behind it is not kept waiting for the next wake-up.
        if (jobs.throttled) this.pumpAgain = true;
        if (this.pumpAgain) continue;
        await this.scheduleWake();
        if (!this.pumpAgain) break; // a poke that arrived while scheduling must not wait for the timer
      }
    } catch (error) {
      if (!this.running) return;
      this.options.log.error({ err: error }, "job queue: claiming failed; retrying shortly");
      this.wakeTimer = setTimeout(() => this.poke(), this.idlePollMs);
    }
  }

  private async claim(): Promise<{ claimed: JobRecord[]; slots: Map<number, ConcurrencyKey[]>; throttled: boolean }> {
    const slots = new Map<number, ConcurrencyKey[]>();
    const nowMs = this.options.clock.now();
    let throttled = false;
    try {
      const claimed = await claimDueJobs(this.options.db, {
        nowMs,
        realNowMs: Date.now(),
        owner: this.owner,
        leaseMs: this.leaseMs,
        limit: this.maxInFlight - this.inFlight.size,
        fullConcurrencyKeys: this.concurrency.fullKeys(),
        closedThrottleKeys: this.throttle.closedKeys(nowMs),
        accept: (job, concurrencyKeys) => {
          if (job.kind !== "call") return true;
          const taken = this.concurrency.tryAcquire(concurrencyKeys);
          if (!taken) return false;
          const ticket = readThrottleTicket(job.payload);
          // Rows come in priority order, so the first waiting run of a key gets its slot.
          if (ticket && !this.throttle.tryStart(ticket, nowMs)) {
            this.concurrency.release(taken);
            throttled = true;
            return false;
          }
          slots.set(job.id, taken);
          return true;
        },
      });
      return { claimed, slots, throttled };
    } catch (error) {
      for (const taken of slots.values()) this.concurrency.release(taken);
      throw error;
    }
  }

  private launch(job: JobRecord, slots: ConcurrencyKey[]): void {
    const controller = new AbortController();
    const done = this.options.handlers[job.kind](job, controller.signal)
      .catch((error: unknown) => this.handlerFailed(job, error))
      .finally(() => {
        this.inFlight.delete(job.id);
        this.concurrency.release(slots);
        this.poke();
      });
    this.inFlight.set(job.id, { controller, done, slots });
  }

  /** A bug or database error: put the job back a little later rather than losing it. */
  private async handlerFailed(job: JobRecord, error: unknown): Promise<void> {
    this.options.log.error({ err: error, job_kind: job.kind, run_id: job.runId, step_id: job.stepId }, "job handler failed");
    if (!this.running) return;
    try {
      await deferJob(this.options.db, job.id, this.owner, this.options.clock.now() + this.idlePollMs);
    } catch (releaseError) {
      this.options.log.error({ err: releaseError }, "could not release a failed job; its lease will expire");
    }
  }

  private async scheduleWake(): Promise<void> {
    const now = this.options.clock.now();
    const due = await nextDueTime(this.options.db, now);
    const opening = this.throttle.nextOpening();
    const next = due === null ? opening : opening === null ? due : Math.min(due, opening);
    const delay = next === null ? this.idlePollMs : Math.min(Math.max(next - now, 0), this.idlePollMs);
    clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(() => this.poke(), delay);
  }

  private async renewLeases(): Promise<void> {
    if (!this.running || this.inFlight.size === 0) return;
    try {
      await renewLeases(this.options.db, this.owner, Date.now() + this.leaseMs);
    } catch (error) {
      this.options.log.error({ err: error }, "could not renew job leases");
    }
  }
}
