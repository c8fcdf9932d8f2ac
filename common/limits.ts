/**
 * Limits and enums that both the server and the browser need, in one client-safe module:
 * zod schemas, the database schema, services and components all import them from here, so a
 * limit changes in one place. Nothing here may import server code or the database.
 */

/** Text field bounds (characters). The database enforces the same bounds with CHECK constraints. */
export const TEXT_LIMITS = {
  userName: 100,
  email: 254, // RFC 5321's longest deliverable address
  taskTitle: 200,
  taskProject: 100,
  timeZone: 64,
} as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Texts a user can allow per day: at least one, at most fifty (the form shows the range). */
export const DAILY_CAP_MIN = 1;
export const DAILY_CAP_MAX = 50;

/** How long before a task is due its reminder goes out, in minutes (a CHECK enforces the bounds too). */
export const REMINDER_LEAD_MINUTES = { min: 5, max: 1440, default: 60 } as const;

/** How long a SNOOZE reply pushes a reminder back, in minutes (a bare SNOOZE: the user's setting). */
export const SNOOZE_MINUTES = { min: 5, max: 1440, default: 60 } as const;

/**
 * The digest after quiet hours (server/sms/digest): at most this many segments; items past the
 * budget are summarised as "+N more". Three segments is the longest text most phones show whole.
 */
export const DIGEST_MAX_SEGMENTS = 3;

/** Task and message priorities share one scale. */
export const PRIORITIES = ["urgent", "high", "normal", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Tasks a user can keep (completed ones count): a list must not grow without end. */
export const MAX_TASKS_PER_USER = 1000;
/** Tasks per "Load more" page. */
export const TASKS_PAGE_SIZE = 50;
/** Texts per "Load more" page of the message history (the page prefetch and the client query must agree). */
export const MESSAGE_HISTORY_PAGE_SIZE = 25;

/** Where verification codes (and so texts) may go unless SMS_ALLOWED_COUNTRIES says otherwise (ISO 3166). */
export const DEFAULT_SMS_ALLOWED_COUNTRIES = ["US", "CA"] as const;
/** A new code can be requested this long after the last one (the form counts it down). */
export const RESEND_CODE_AFTER_SECONDS = 30;
/** Twilio Verify: a code is valid for 10 minutes; 5 sends and 5 checks per verification. */
export const VERIFY_CODE_TTL_SECONDS = 10 * 60;
/** Twilio Verify sends 4 to 10 digits (6 by default). */
export const VERIFICATION_CODE_PATTERN = /^\d{4,10}$/;

/**
 * Dates a user can enter (due dates, cursors). PostgreSQL's timestamptz cannot hold year 0 and
 * JavaScript dates reach far beyond its range; anything outside this is a typo, not a plan.
 */
export const DATE_RANGE = { min: new Date("1900-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z") } as const;

/** Request sizes, checked before a body is parsed. */
export const BODY_LIMITS = {
  /** tRPC requests: a full batch of the largest inputs fits many times over. */
  trpcBytes: 64 * 1024,
  /** better-auth requests (sign-in, sign-up, …). */
  authBytes: 16 * 1024,
  /** Twilio webhooks. */
  webhookBytes: 64 * 1024,
  /**
   * Inngest's calls to /api/inngest: the event and the memoized step results. Ours are small
   * (ids, statuses); Inngest hands state over this size through its API (`use_api`) instead.
   */
  inngestBytes: 4 * 1024 * 1024,
} as const;

/** Calls in one tRPC batch (the UI sends a handful at most). */
export const TRPC_MAX_BATCH = 10;

/** STOP/START/HELP words (CTIA): the inbound handler and the help page read the same lists. */
export const SMS_KEYWORDS = {
  stop: ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"],
  start: ["START", "YES", "UNSTOP"],
  help: ["HELP", "INFO"],
} as const;
