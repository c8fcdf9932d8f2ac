import { celMatches } from "./cel";
import type { ExecutorContext } from "./context";
import { eventIdsFromSeed, randomUlid } from "./ids";
import { cancellationError, endRun, isActive, resolvePendingStep, startRun } from "./lifecycle";
import type { IncomingEvent, StoredEvent } from "./protocol";
import type { Sql } from "./store/db";
import { claimEventDedupeKey, insertEvent } from "./store/events";
import { deleteJob, jobKeys } from "./store/jobs";
import { listActiveRuns, lockRun } from "./store/runs";
import { listWaitsForEvent, takeWait } from "./store/waits";

// The event API's engine: store an event once, then (in the same transaction) resolve the
// waitForEvent pauses it matches, cancel the runs it cancels, and start the runs it triggers.

/** Accepts a batch from `POST /e/:key`; returns one internal id per event, in order. */
export async function ingestEvents(
  ctx: ExecutorContext,
  incoming: readonly IncomingEvent[],
  seedHeader: string | null,
): Promise<string[]> {
  const ids = eventIdsFromSeed(seedHeader, incoming.length, ctx.clock.now());
  await ctx.db.transaction(async (tx) => {
    for (const [index, event] of incoming.entries()) {
      const id = ids[index];
      if (id !== undefined) await storeAndRouteEvent(tx, ctx, event, id);
    }
  });
  ctx.wakeQueue();
  return ids;
}

/** Stores and routes one event. Returns null when it was a duplicate (retried send or repeated id). */
export async function storeAndRouteEvent(
  tx: Sql,
  ctx: ExecutorContext,
  incoming: IncomingEvent,
  internalId: string,
): Promise<StoredEvent | null> {
  const now = ctx.clock.now();
  if (incoming.id) {
    const earlier = await claimEventDedupeKey(tx, incoming.id, internalId, now, ctx.eventDedupeWindowMs);
    if (earlier !== null && earlier !== internalId) {
      ctx.log.info({ event_name: incoming.name, event_id: incoming.id }, "event ignored: its id was seen in the last 24h");
      return null;
    }
  }
  const event: StoredEvent = {
    id: incoming.id ?? internalId,
    name: incoming.name,
    data: incoming.data ?? {},
    ts: incoming.ts ?? now,
    ...(incoming.user !== undefined ? { user: incoming.user } : {}),
    ...(incoming.v ? { v: incoming.v } : {}),
  };
  if (!(await insertEvent(tx, internalId, event, now))) {
    ctx.log.debug({ event_name: event.name, internal_id: internalId }, "event ignored: retried send of a stored event");
    return null;
  }
  ctx.log.debug({ event_name: event.name, event_id: event.id }, "event received");
  await resolveWaits(tx, ctx, event);
  await applyCancellations(tx, ctx, event);
  await startTriggeredRuns(tx, ctx, event);
  return event;
}

/** Emits an executor-made event (inngest/function.failed and friends). */
export function emitInternalEvent(
  tx: Sql,
  ctx: ExecutorContext,
  event: { name: string; data: Record<string, unknown> },
): Promise<StoredEvent | null> {
  return storeAndRouteEvent(tx, ctx, event, randomUlid(ctx.clock.now()));
}

async function resolveWaits(tx: Sql, ctx: ExecutorContext, event: StoredEvent): Promise<void> {
  for (const wait of await listWaitsForEvent(tx, event.name, ctx.clock.now())) {
    const run = await lockRun(tx, wait.runId);
    if (!run || !isActive(run)) continue;
    if (!celMatches(wait.expression, { event: run.event, async: event })) continue;
    if (!(await takeWait(tx, wait.runId, wait.stepId))) continue;
    await deleteJob(tx, jobKeys.waitTimeout(wait.runId, wait.stepId));
    await resolvePendingStep(tx, ctx, wait.runId, wait.stepId, { data: event });
    ctx.log.info({ run_id: wait.runId, event_name: event.name }, "waitForEvent matched");
  }
}

async function applyCancellations(tx: Sql, ctx: ExecutorContext, event: StoredEvent): Promise<void> {
  const now = ctx.clock.now();
  for (const { fn, cancel } of ctx.registry.cancellableBy(event.name)) {
    for (const candidate of await listActiveRuns(tx, fn.id)) {
      if (cancel.timeoutMs !== null && candidate.createdAt + cancel.timeoutMs < now) continue;
      if (!celMatches(cancel.if, { event: candidate.event, async: event })) continue;
      const run = await lockRun(tx, candidate.id);
      if (!run || !isActive(run)) continue;
      await endRun(tx, ctx, run, { status: "cancelled", error: cancellationError(`event ${event.name}`) });
    }
  }
}

async function startTriggeredRuns(tx: Sql, ctx: ExecutorContext, event: StoredEvent): Promise<void> {
  const started = new Set<string>(); // a function with several matching triggers runs once
  for (const { fn, expression } of ctx.registry.triggeredBy(event.name)) {
    if (started.has(fn.id) || !celMatches(expression, { event })) continue;
    if (isAboutItself(event, fn.id)) continue;
    started.add(fn.id);
    await startRun(tx, ctx, fn, event);
  }
}

/**
 * A function triggered by inngest/function.finished (or .failed/.cancelled) is not re-triggered by
 * the event about its own run: that would loop forever.
 */
function isAboutItself(event: StoredEvent, functionId: string): boolean {
  return event.name.startsWith("inngest/function.") && event.data.function_id === functionId;
}
