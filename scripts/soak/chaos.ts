import { setTimeout as sleep } from "node:timers/promises";
import type postgres from "postgres";
import { sandboxApi } from "./api";
import type { FaultKind, Profile } from "./profiles";
import { seededRandom, type Random } from "./random";
import type { RunRecord } from "./record";
import type { Stack } from "./stack";
import type { Action } from "./workload";

/** The app's Twilio client gives up after 15 s; latency beyond it makes the outcome ambiguous. */
const LATENCY_OVER_TIMEOUT_MS = 16_000;

/** Twilio's "next N" faults, by the soak's name for them. */
const COUNTED: Partial<Record<FaultKind, "rateLimits" | "serverErrors" | "dropConnections" | "validityExpiries" | "lateCallbacks">> = {
  twilio_429: "rateLimits",
  twilio_500: "serverErrors",
  accept_then_drop: "dropConnections",
  validity_expiry: "validityExpiries",
  late_callbacks: "lateCallbacks",
};

/**
 * The faults of a run, placed by the seed over the work's span: the sandbox's failures (armed
 * one at a time; only those Twilio actually served are counted), process kills and restarts,
 * and PostgreSQL connections of the app terminated. Races are in the workload (they are events).
 */
export class Chaos {
  private readonly sandbox: ReturnType<typeof sandboxApi>;
  /** Armed "next N" faults, to subtract what was left unused at the end. */
  private readonly armed = new Map<FaultKind, number>();
  private appDown = false;
  /** Draws made while the run goes; the plan uses `random` only, in order. */
  private readonly live: Random;

  constructor(
    private readonly stack: Stack,
    private readonly profile: Profile,
    private readonly random: Random,
    private readonly record: RunRecord,
    private readonly sql: postgres.Sql,
  ) {
    this.sandbox = sandboxApi(stack.sandboxUrl);
    this.live = seededRandom(profile.seed + 2);
  }

  plan(): Action[] {
    const r = this.random;
    const duration = this.profile.durationS * 1000;
    const actions: Action[] = [];
    const spread = (kind: FaultKind, run: () => Promise<void>) => {
      const count = this.profile.faults[kind];
      for (let k = 0; k < count; k++) {
        // Evenly spread with jitter, inside [5 %, 90 %] of the work.
        const slot = (duration * 0.85) / count;
        actions.push({ at: Math.floor(duration * 0.05 + slot * k + r.next() * slot * 0.8), name: kind, run });
      }
    };
    for (const [kind, name] of Object.entries(COUNTED) as Array<[FaultKind, NonNullable<(typeof COUNTED)[FaultKind]>]>) {
      spread(kind, async () => {
        const patch: Record<string, number> = { [name]: 1 };
        if (kind === "twilio_429") patch.retryAfterSeconds = this.live.int(1, 2);
        if (kind === "late_callbacks") patch.lateCallbackDelayMs = this.live.int(10_000, 40_000);
        const { faults } = await this.sandbox.faults({});
        // Arm one more on top of what is still waiting.
        patch[name] = Number(faults[name] ?? 0) + 1;
        await this.sandbox.faults(patch);
        this.armed.set(kind, (this.armed.get(kind) ?? 0) + 1);
      });
    }
    const window = (kind: FaultKind, on: Record<string, number | boolean>, off: Record<string, number | boolean>, ms: number) =>
      spread(kind, async () => {
        await this.sandbox.faults(on);
        this.record.fault(kind);
        await sleep(ms);
        await this.sandbox.faults(off);
      });
    window("latency_over_timeout", { latencyMs: LATENCY_OVER_TIMEOUT_MS }, { latencyMs: 0 }, 1_500);
    window("duplicate_callbacks", { duplicateCallbacks: true }, { duplicateCallbacks: false }, 4_000);
    window("out_of_order_callbacks", { outOfOrderCallbacks: true }, { outOfOrderCallbacks: false }, 4_000);

    spread("executor_sigkill", async () => {
      this.stack.killExecutor();
      this.record.fault("executor_sigkill");
      await sleep(this.live.int(1_000, 4_000));
      await this.stack.startExecutor();
    });
    spread("app_sigkill", async () => {
      if (this.appDown) return this.record.note("app kill skipped: one instance already down");
      this.appDown = true;
      try {
        // Mid-send: right after a message create went out to Twilio.
        const deadline = Date.now() + 10_000;
        const seen = (await this.stack.creates(Number.MAX_SAFE_INTEGER)).total;
        while ((await this.stack.creates(Number.MAX_SAFE_INTEGER)).total === seen && Date.now() < deadline) await sleep(25);
        const port = this.live.pick(this.stack.upInstances());
        this.stack.killApp(port);
        this.record.fault("app_sigkill");
        await sleep(this.live.int(2_000, 6_000));
        await this.stack.startApp(port);
      } finally {
        this.appDown = false;
      }
    });
    spread("pg_terminate", async () => {
      const database = new URL(this.stack.appDatabaseUrl).pathname.slice(1);
      // The app's backends only (the executor keeps its state in a database of its own); never this one.
      const killed = await this.sql<{ pid: number }[]>`
        with app as materialized (
          select pid from pg_stat_activity
          where datname = ${database} and pid <> pg_backend_pid() and backend_type = 'client backend'
        )
        select pid from app where pg_terminate_backend(pid)`;
      this.record.fault("pg_terminate");
      this.record.note("PostgreSQL backends terminated", killed.length);
    });
    return actions;
  }

  /** Turns every sandbox fault off; counts the "next N" faults Twilio actually served. */
  async stop(): Promise<void> {
    const { faults } = await this.sandbox.faults({
      latencyMs: 0,
      duplicateCallbacks: false,
      outOfOrderCallbacks: false,
    });
    for (const [kind, name] of Object.entries(COUNTED) as Array<[FaultKind, string]>) {
      const left = Number(faults[name] ?? 0);
      this.record.fault(kind, Math.max(0, (this.armed.get(kind) ?? 0) - left));
      if (left > 0) this.record.note(`${kind} armed but never served`, left);
    }
    await this.sandbox.faults({ rateLimits: 0, serverErrors: 0, dropConnections: 0, validityExpiries: 0, lateCallbacks: 0 });
  }
}
