import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { preparedQueryRows } from "@/db/raw-rows";
import { smsMessageEvents, smsMessages, smsSkipReason, smsStatus } from "@/db/schema";
import { MESSAGE_HISTORY_PAGE_SIZE } from "@/common/limits";
import { boundedDate } from "@/common/text";
import { DomainError } from "../errors";
import type { ServiceContext, UserActor } from "../service-context";
import { plainReason } from "./reasons";
import { fetchLimit, keysetPage } from "../keyset-page";

/** Columns a user may see of their own messages (no raw provider payloads). */
const ownMessageColumns = {
  id: smsMessages.id,
  to: smsMessages.to,
  body: smsMessages.body,
  category: smsMessages.category,
  status: smsMessages.status,
  skipReason: smsMessages.skipReason,
  errorCode: smsMessages.errorCode,
  failReason: smsMessages.failReason,
  scheduledFor: smsMessages.scheduledFor,
  /** While `scheduled`: when it will go at the earliest, and why it waits (its time, or quiet hours). */
  heldUntil: smsMessages.heldUntil,
  holdReason: smsMessages.holdReason,
  digestSize: smsMessages.digestSize,
  sentAt: smsMessages.sentAt,
  deliveredAt: smsMessages.deliveredAt,
  createdAt: smsMessages.createdAt,
};

/** Where the previous page ended: the history is ordered newest first, by creation time then id. */
const cursorMessage = "Not a position in your history";
const messageCursorSchema = z.object({ createdAt: boundedDate(cursorMessage), id: z.uuid({ message: cursorMessage }) }).strict();

export const messageListSchema = z
  .object({
    limit: z.number().int().min(1).max(100).default(MESSAGE_HISTORY_PAGE_SIZE),
    cursor: messageCursorSchema.nullish(),
    /** Sent by tRPC's infinite queries with every page; only forward paging exists. */
    direction: z.literal("forward").optional(),
  })
  .strict();

type MessageRow = { status: (typeof smsMessages.$inferSelect)["status"] } & Pick<
  typeof smsMessages.$inferSelect,
  "skipReason" | "errorCode" | "failReason"
>;
const withReason = <M extends MessageRow>({ errorCode: _code, failReason: _fail, ...message }: M) => ({
  ...message,
  reason: plainReason({ status: message.status, skipReason: message.skipReason, errorCode: _code, failReason: _fail }),
});

/**
 * What a row of the history shows: its text, status, why (in plain words) and when. The rest of
 * `ownMessageColumns` (recipient, hold, send and delivery times) comes with one message's timeline
 * (`getOwnMessage`), so a page carries a fifth of the dates and columns. The reason in words
 * replaces the codes it is made from.
 */
const historyRow = z.object({
  id: z.string(),
  body: z.string(),
  status: z.enum(smsStatus.enumValues),
  skipReason: z.enum(smsSkipReason.enumValues).nullable(),
  errorCode: z.number().nullable(),
  failReason: z.string().nullable(),
  /** On a digest: how many held texts it carries. */
  digestSize: z.number().nullable(),
  /** ISO 8601 in UTC, to the millisecond, as the statement writes it (see `historyPage`). */
  createdAt: z.string(),
});
/** Built field by field: a page maps 25 of these per request, and object rest and spread cost several times more. */
const historyItem = (row: z.output<typeof historyRow>) => ({
  id: row.id,
  body: row.body,
  status: row.status,
  digestSize: row.digestSize,
  createdAt: row.createdAt,
  reason: plainReason(row),
});

/**
 * The history order: creation time (stored to the millisecond, so a cursor names it exactly), then
 * id, newest first. Plain columns, so a page is a backward range read of
 * `sms_messages_user_created_idx`: the cost of a page does not grow with the length of the user's
 * history.
 *
 * This is the settings page's hot read, so it is cheap by design (docs/ARCHITECTURE.md,
 * Benchmarks): raw SQL, because mapping its rows through the query builder cost about a tenth of
 * the request's CPU; and each row's time travels as ISO text written by the database, because a
 * Date per row cost as much again (parsing the driver's text, then superjson's bookkeeping for
 * each Date). The cursor stays a Date, one per page.
 */
const historyPage = (after: string) => `
  select id, body, status, skip_reason as "skipReason", error_code as "errorCode", fail_reason as "failReason",
         digest_size as "digestSize",
         to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt"
  from sms_messages
  where user_id = $1 ${after}
  order by created_at desc, id desc
  limit $2`;
const LATEST_OWN_MESSAGES = historyPage("");
const OLDER_OWN_MESSAGES = historyPage("and (created_at, id) < ($3::timestamptz, $4::uuid)");

/**
 * One page of the actor's own texts, newest first (keyset pagination: a page does not shift
 * when new texts arrive while the user reads).
 */
export async function listOwnMessages(
  { db, actor }: ServiceContext<UserActor>,
  { limit, cursor }: Pick<z.infer<typeof messageListSchema>, "limit" | "cursor">,
) {
  const rows = cursor
    ? await preparedQueryRows(db, OLDER_OWN_MESSAGES, [actor.userId, fetchLimit(limit), cursor.createdAt.toISOString(), cursor.id], historyRow)
    : await preparedQueryRows(db, LATEST_OWN_MESSAGES, [actor.userId, fetchLimit(limit)], historyRow);
  return keysetPage(rows, limit, historyItem, (item) => ({ createdAt: new Date(item.createdAt), id: item.id }));
}

/** One of the actor's own messages with its status timeline; another user's id is simply not found. */
export async function getOwnMessage({ db, actor }: ServiceContext<UserActor>, id: string) {
  const [message] = await db
    .select(ownMessageColumns)
    .from(smsMessages)
    .where(and(eq(smsMessages.id, id), eq(smsMessages.userId, actor.userId)));
  if (!message) throw new DomainError("NOT_FOUND", "Message not found");
  const events = await db
    .select({
      status: smsMessageEvents.status,
      source: smsMessageEvents.source,
      createdAt: smsMessageEvents.createdAt,
      applied: smsMessageEvents.applied,
      // A hold records until when and why (the payload's other contents stay server-side).
      heldUntil: sql<string | null>`${smsMessageEvents.payload}->>'heldUntil'`,
      holdReason: sql<"scheduled" | "quiet_hours" | null>`${smsMessageEvents.payload}->>'holdReason'`,
    })
    .from(smsMessageEvents)
    .where(eq(smsMessageEvents.messageId, id))
    .orderBy(smsMessageEvents.createdAt, smsMessageEvents.id);
  return {
    ...withReason(message),
    events: events.map(({ heldUntil, ...event }) => ({ ...event, heldUntil: heldUntil ? new Date(heldUntil) : null })),
  };
}
