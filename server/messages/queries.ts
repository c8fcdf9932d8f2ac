import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { preparedQuery } from "@/db/client";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import { MESSAGE_HISTORY_PAGE_SIZE } from "@/common/limits";
import { boundedDate } from "@/common/text";
import { DomainError } from "../errors";
import type { ServiceContext, UserActor } from "../service-context";
import { plainReason } from "./reasons";
import { createdAtCursor, fetchLimit, keysetPage } from "../keyset-page";

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

/**
 * What a row of the history shows: its text, status, why (in plain words) and when. The rest of
 * `ownMessageColumns` (recipient, hold, send and delivery times) comes with one message's timeline
 * (`getOwnMessage`), so a page carries a fifth of the dates and columns.
 */
const historyRowColumns = {
  id: smsMessages.id,
  body: smsMessages.body,
  status: smsMessages.status,
  skipReason: smsMessages.skipReason,
  errorCode: smsMessages.errorCode,
  failReason: smsMessages.failReason,
  /** On a digest: how many held texts it carries. */
  digestSize: smsMessages.digestSize,
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
 * A history row: the reason in words replaces the codes it is made from. Built field by field:
 * a page maps 25 of these per request, and object rest and spread cost several times more.
 */
const historyRow = (row: MessageRow & { id: string; body: string; digestSize: number | null; createdAt: Date }) => ({
  id: row.id,
  body: row.body,
  status: row.status,
  digestSize: row.digestSize,
  createdAt: row.createdAt,
  reason: plainReason(row),
});

/**
 * The history order: creation time (stored to the millisecond, so a cursor names it exactly), then
 * id. Plain columns, so a page is a backward range read of `sms_messages_user_created_idx`: the
 * cost of a page does not grow with the length of the user's history.
 */
const position = sql`(${smsMessages.createdAt}, ${smsMessages.id})`;

/** One prepared statement per shape (first page, or after a cursor): the hot read of the settings page. */
const ownMessagesPage = (paged: boolean) =>
  preparedQuery((db) =>
    db
      .select(historyRowColumns)
      .from(smsMessages)
      .where(
        and(
          eq(smsMessages.userId, sql.placeholder("userId")),
          // A placeholder skips the column's own encoding, so the time goes in as ISO text.
          paged ? sql`${position} < (${sql.placeholder("afterAt")}::timestamptz, ${sql.placeholder("afterId")}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(smsMessages.createdAt), desc(smsMessages.id))
      .limit(sql.placeholder("limit"))
      .prepare(paged ? "own_messages_after" : "own_messages"),
  );
const latestOwnMessages = ownMessagesPage(false);
const olderOwnMessages = ownMessagesPage(true);

/**
 * One page of the actor's own texts, newest first (keyset pagination: a page does not shift
 * when new texts arrive while the user reads).
 */
export async function listOwnMessages(
  { db, actor }: ServiceContext<UserActor>,
  { limit, cursor }: Pick<z.infer<typeof messageListSchema>, "limit" | "cursor">,
) {
  const userId = actor.userId;
  const rows = cursor
    ? await olderOwnMessages(db).execute({ userId, limit: fetchLimit(limit), afterAt: cursor.createdAt.toISOString(), afterId: cursor.id })
    : await latestOwnMessages(db).execute({ userId, limit: fetchLimit(limit) });
  return keysetPage(rows, limit, historyRow, createdAtCursor);
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
