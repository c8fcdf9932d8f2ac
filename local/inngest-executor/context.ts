import type { Logger } from "pino";
import type { Clock } from "./clock";
import type { StoredEvent } from "./protocol";
import type { FunctionRegistry } from "./registry";
import type { Database, Sql } from "./store/db";

/** What the engine's modules share. Built once in executor.ts. */
export type ExecutorContext = {
  db: Database;
  clock: Clock;
  log: Logger;
  registry: FunctionRegistry;
  /** Signs every request to the app, and checks the app's signed answers and registrations. */
  signingKey: string;
  /** Delay before retry number `attempt` (1-based) when the app gave no Retry-After. */
  retryBackoffMs: (attempt: number) => number;
  /** How long a user-set event id dedupes (24h). */
  eventDedupeWindowMs: number;
  /** Stores and routes an event the executor itself emits (inngest/function.failed, ...). */
  emit: (tx: Sql, event: { name: string; data: Record<string, unknown> }) => Promise<StoredEvent | null>;
  /** Wakes the job queue; call after committing a transaction that enqueued work. */
  wakeQueue: () => void;
};
