import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import { MESSAGE_HISTORY_PAGE_SIZE } from "@/shared/sms-settings";
import { DomainError } from "../errors";
import type { ServiceContext, UserActor } from "../service-context";
import { plainReason } from "./reasons";

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
  sentAt: smsMessages.sentAt,
  deliveredAt: smsMessages.deliveredAt,
  createdAt: smsMessages.createdAt,
};

/** Where the previous page ended: the history is ordered newest first, by creation time then id. */
export const messageCursorSchema = z.object({ createdAt: z.date(), id: z.uuid() }).strict();

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
 * One page of the actor's own texts, newest first (keyset pagination: a page does not shift
 * when new texts arrive while the user reads). Creation times compare at the millisecond, the
 * precision a cursor keeps through JavaScript.
 */
export async function listOwnMessages(
  { db, actor }: ServiceContext<UserActor>,
  { limit, cursor }: Pick<z.infer<typeof messageListSchema>, "limit" | "cursor">,
) {
  const position = sql`(date_trunc('milliseconds', ${smsMessages.createdAt}), ${smsMessages.id})`;
  const rows = await db
    .select(ownMessageColumns)
    .from(smsMessages)
    .where(
      and(
        eq(smsMessages.userId, actor.userId),
        cursor ? sql`${position} < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(sql`date_trunc('milliseconds', ${smsMessages.createdAt})`), desc(smsMessages.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit).map(withReason);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
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
