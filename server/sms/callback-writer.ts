import type { Db } from "@/db/client";
import { processSingleton } from "../process-singleton";

/** What the writer needs of a report: the two keys by which its statement finds a message. */
export interface WriterRow {
  sid: string;
  message_id: string | null;
}

/** Runs one batch in one statement; answers each row in the batch's order. */
export type BatchStatement<R extends WriterRow, O> = (rows: R[]) => Promise<O[]>;

interface Pending<R, O> {
  row: R;
  resolve(outcome: O): void;
  reject(error: unknown): void;
}

export interface WriterLimits {
  /** Rows per statement. */
  maxBatch: number;
  /**
   * Rows the writer holds for its next statements. Past it a report waits, in arrival order,
   * outside the queue until a statement takes rows from it: nothing is refused (see
   * docs/ARCHITECTURE.md, "Status callbacks"), and a backlog never makes the choice of each
   * batch, which reads the whole queue, cost more than a bounded scan.
   */
  maxQueued: number;
}

export const CALLBACK_WRITER_LIMITS: WriterLimits = { maxBatch: 64, maxQueued: 1_024 };

/**
 * Group commit for status reports. Reports that arrive while a statement runs go together
 * in the next one, so under load one round trip and one commit serve many webhooks; a lone
 * report still runs at once. (A statement per callback cost more in postgres.js, syscalls
 * and PostgreSQL than the rest of the webhook together: on the bench of the time, which
 * replayed duplicate callbacks, it went from ~75 % to ~90 % of a bare route; today's figures
 * are in docs/ARCHITECTURE.md, "Benchmarks".) Each report is answered only after the statement
 * carrying it has committed. One statement at a time per process, so its batches never wait on
 * one another.
 */
export class CallbackWriter<R extends WriterRow, O> {
  private queue: Pending<R, O>[] = [];
  /** Reports that came while the queue was full, oldest first. */
  private waiting: Pending<R, O>[] = [];
  private running = false;

  constructor(
    private readonly statement: BatchStatement<R, O>,
    private readonly limits: WriterLimits = CALLBACK_WRITER_LIMITS,
  ) {}

  /** Resolves with the row's outcome once the statement that carried it has committed. */
  submit(row: R): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const pending = { row, resolve, reject };
      if (this.waiting.length > 0 || this.queue.length >= this.limits.maxQueued) this.waiting.push(pending);
      else this.queue.push(pending);
      if (this.running) return;
      this.running = true;
      // Let the requests already read in this turn of the event loop join the first batch.
      setImmediate(() => void this.drain());
    });
  }

  /** How many reports the writer holds: in its queue, and waiting for room in it. */
  backlog(): { queued: number; waiting: number } {
    return { queued: this.queue.length, waiting: this.waiting.length };
  }

  private async drain() {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      this.admitWaiting();
      try {
        await this.run(batch);
      } catch (error) {
        if (batch.length === 1) {
          batch[0]!.reject(error);
          continue;
        }
        // One bad report (or a deadlock with another app instance's batch) must not fail the
        // others: run them one by one, each answering for itself.
        for (const p of batch) await this.run([p]).catch(p.reject);
      }
    }
    this.running = false;
  }

  private admitWaiting() {
    const room = this.limits.maxQueued - this.queue.length;
    if (room > 0 && this.waiting.length > 0) this.queue.push(...this.waiting.splice(0, room));
  }

  /**
   * The next reports that cannot reach the same message: distinct SIDs and distinct ids (a
   * message is found by one or the other), so each is judged exactly as if it ran alone. The
   * others wait, in order, for the next statement.
   */
  private takeBatch(): Pending<R, O>[] {
    const keys = new Set<string>();
    const batch: Pending<R, O>[] = [];
    const rest: Pending<R, O>[] = [];
    for (const p of this.queue) {
      const { sid, message_id: id } = p.row;
      if (batch.length === this.limits.maxBatch || keys.has(sid) || (id !== null && keys.has(id))) {
        rest.push(p);
        continue;
      }
      keys.add(sid);
      if (id !== null) keys.add(id);
      batch.push(p);
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: Pending<R, O>[]) {
    const outcomes = await this.statement(batch.map((p) => p.row));
    batch.forEach((p, n) => p.resolve(outcomes[n]!));
  }
}

/**
 * One writer per database handle in the whole process, whichever Next bundle asks (see
 * process-singleton.ts): `name` keys the process-wide registry, `statement` makes the batch
 * statement for a handle on first use.
 */
export function writerPerDb<R extends WriterRow, O>(name: string, statement: (db: Db) => BatchStatement<R, O>): (db: Db) => CallbackWriter<R, O> {
  const writers = processSingleton(name, () => new WeakMap<Db, CallbackWriter<R, O>>());
  return (db) => {
    let writer = writers().get(db);
    if (!writer) writers().set(db, (writer = new CallbackWriter(statement(db))));
    return writer;
  };
}
