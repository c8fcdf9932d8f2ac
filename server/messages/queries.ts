import { and, desc, eq, lt, sql } from "drizzle-orm";
import { preparedQuery } from "@/db/client";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import { DomainError } from "../errors";
import type { ServiceContext, UserActor } from "../service-context";

/** Columns a user may see of their own messages (no raw provider payloads). */
const ownMessageColumns = {
  id: smsMessages.id,
  to: smsMessages.to,
  body: smsMessages.body,
  category: smsMessages.category,
  status: smsMessages.status,
  skipReason: smsMessages.skipReason,
  /** Plain words (server/sms/error-reasons.ts), never Twilio's raw payload. */
  failReason: smsMessages.failReason,
  scheduledFor: smsMessages.scheduledFor,
  /** While `scheduled`: when it will go at the earliest, and why it waits (its time, or quiet hours). */
  heldUntil: smsMessages.heldUntil,
  holdReason: smsMessages.holdReason,
  sentAt: smsMessages.sentAt,
  deliveredAt: smsMessages.deliveredAt,
  createdAt: smsMessages.createdAt,
};

/** Newest first; `before` pages back. One prepared statement per shape (with or without `before`). */
const ownMessagesPage = (paged: boolean) =>
  preparedQuery((db) =>
    db
      .select(ownMessageColumns)
      .from(smsMessages)
      .where(
        and(
          eq(smsMessages.userId, sql.placeholder("userId")),
          paged ? lt(smsMessages.createdAt, sql.placeholder("before")) : undefined,
        ),
      )
      .orderBy(desc(smsMessages.createdAt))
      .limit(sql.placeholder("limit"))
      .prepare(paged ? "own_messages_before" : "own_messages"),
  );
const latestOwnMessages = ownMessagesPage(false);
const olderOwnMessages = ownMessagesPage(true);

export async function listOwnMessages(
  { db, actor }: ServiceContext<UserActor>,
  { limit, before }: { limit: number; before?: Date },
) {
  const userId = actor.userId;
  // A placeholder skips the column's own encoding, so the time goes in as ISO text.
  return before
    ? olderOwnMessages(db).execute({ userId, limit, before: before.toISOString() })
    : latestOwnMessages(db).execute({ userId, limit });
}

/** One of the actor's own messages with its status timeline; another user's id is simply not found. */
export async function getOwnMessage({ db, actor }: ServiceContext<UserActor>, id: string) {
  const [message] = await db
    .select(ownMessageColumns)
    .from(smsMessages)
    .where(and(eq(smsMessages.id, id), eq(smsMessages.userId, actor.userId)));
  if (!message) throw new DomainError("NOT_FOUND", "Message not found");
  const events = await db
    .select({ status: smsMessageEvents.status, createdAt: smsMessageEvents.createdAt, applied: smsMessageEvents.applied })
    .from(smsMessageEvents)
    .where(eq(smsMessageEvents.messageId, id))
    .orderBy(smsMessageEvents.id);
  return { ...message, events };
}
