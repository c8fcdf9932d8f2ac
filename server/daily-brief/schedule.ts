const MINUTE = 60_000;

/**
 * How the daily brief is swept (docs/ARCHITECTURE.md, "Crons"): a tick every 5 minutes requests
 * every brief whose local instant falls in [tick - catch-up, tick + horizon), each with
 * `scheduledFor` = that exact instant, so the send run sleeps until the user's minute. The
 * horizon spans three ticks, so two late or lost ticks in a row still request every brief before
 * its minute; the catch-up sends a brief up to an hour late after a longer outage rather than
 * not at all. Windows overlap on purpose: the dedupe key (user + local date) makes every brief
 * exactly one message however many ticks see it.
 */
export const DAILY_BRIEF_SCHEDULE = {
  cron: "*/5 * * * *",
  horizonMs: 15 * MINUTE,
  catchUpMs: 60 * MINUTE,
} as const;

export function briefWindow(tick: Date): { from: Date; to: Date } {
  return {
    from: new Date(tick.getTime() - DAILY_BRIEF_SCHEDULE.catchUpMs),
    to: new Date(tick.getTime() + DAILY_BRIEF_SCHEDULE.horizonMs),
  };
}
