/**
 * The moment a cron tick sweeps for: the engine's time for the tick (the `ts` of its
 * `inngest/scheduled.timer` event), or the real time if the tick is handled late. A sweep never
 * looks at a moment earlier than now, and an engine whose clock runs ahead (the local executor's
 * test clock) is followed.
 */
export function tickTime(eventTs: number | undefined, now: Date = new Date()): Date {
  return new Date(Math.max(eventTs ?? 0, now.getTime()));
}
