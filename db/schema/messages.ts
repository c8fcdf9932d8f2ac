import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  type AnyPgColumn,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { smsCategory, smsEventSource, smsHoldReason, smsPriority, smsSkipReason, smsStatus } from "./enums";
import { smsTemplates, smsTemplateVersions } from "./templates";

export const smsMessages = pgTable(
  "sms_messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** E.164, copied from the verified number when the message was requested (null: there was none, skipped). */
    to: text(),
    body: text().notNull(),
    templateId: uuid().references(() => smsTemplates.id, { onDelete: "set null" }),
    templateVersionId: uuid().references(() => smsTemplateVersions.id, { onDelete: "set null" }),
    templateVars: jsonb().$type<Record<string, string>>().notNull().default({}),
    category: smsCategory().notNull(),
    priority: smsPriority().notNull().default("normal"),
    status: smsStatus().notNull().default("pending"),
    skipReason: smsSkipReason(),
    failReason: text(),
    scheduledFor: timestamp({ withTimezone: true }),
    /** While `scheduled`: when the pipeline will look at it again, and why it waits. */
    heldUntil: timestamp({ withTimezone: true }),
    holdReason: smsHoldReason(),
    /** Past this moment the text is useless (a reminder after its task is due): never sent after it. */
    validUntil: timestamp({ withTimezone: true }),
    sentAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    twilioSid: text().unique(),
    errorCode: integer(),
    errorMessage: text(),
    segments: integer(),
    encoding: text().$type<"GSM-7" | "UCS-2">(),
    price: numeric({ precision: 10, scale: 5 }),
    priceUnit: text(),
    attemptCount: integer().notNull().default(0),
    /**
     * The user's local date whose daily-cap slot this text holds (server/sms/daily-cap.ts): set in
     * the statement that queues it, cleared in the statement that gives the slot back when the text
     * ends unsent. Non-null exactly while the text counts toward that day.
     */
    capLocalDate: date({ mode: "string" }),
    /**
     * Who last claimed the message for sending (the durable run's id). A retry of the same run
     * finds its own claim by it: one left in `sending` without a SID means the send was cut off.
     */
    claimToken: text(),
    /** Last time reconciliation fetched this message from Twilio while it was in flight. */
    reconciledAt: timestamp({ withTimezone: true }),
    /** When reconciliation fetched the price of a finished message (once, whatever came back). */
    priceFetchedAt: timestamp({ withTimezone: true }),
    /** A cron or a retried caller can never create the same message twice. */
    dedupeKey: text().notNull().unique(),
    /** Verification time of the phone when requested: a later re-verification means the number changed. */
    phoneVerifiedAt: timestamp({ withTimezone: true }),
    /**
     * A task reminder's task, and the task's due time the reminder was made for: a reminder whose
     * task was since completed, deleted or moved is stale (server/reminders/stale.ts). No foreign
     * key: a deleted task must leave the link, so the reminder can say why it was cancelled.
     */
    taskId: uuid(),
    taskDueAt: timestamp({ withTimezone: true }),
    /** The short number a reminder carries ("Reply DONE 2") when its user had others open. */
    replyRef: integer(),
    /** A text held through quiet hours and sent inside a digest (status `merged`) points at the digest. */
    mergedIntoId: uuid().references((): AnyPgColumn => smsMessages.id, { onDelete: "set null" }),
    /** On a digest: how many held texts it carries (null on any other text). */
    digestSize: integer(),
    /** An admin's retry of a failed or undelivered text points at the text it retries. */
    retryOfId: uuid().references((): AnyPgColumn => smsMessages.id, { onDelete: "set null" }),
    /**
     * To the millisecond, the precision a page's cursor keeps through JavaScript: a cursor then
     * names a row's position exactly, and (created_at, id) keyset pages skip nothing — even the
     * rows of one multi-row insert, which share the statement's now().
     */
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Newest-first lists keyset-paginated on (created_at, id): each list's filter column, then
    // both keyset columns, so a page (first or deep) is one backward index range read of `limit`
    // rows. Ascending on purpose: PostgreSQL takes the row comparison `(created_at, id) < (…)`
    // as an index condition with the index's order only on ascending columns (scanned backward);
    // on DESC columns it filtered and sorted instead (1 s for a page at a million rows).
    index("sms_messages_user_created_idx").on(t.userId, t.createdAt, t.id),
    index("sms_messages_created_idx").on(t.createdAt, t.id),
    index("sms_messages_status_created_idx").on(t.status, t.createdAt, t.id),
    index("sms_messages_template_created_idx").on(t.templateId, t.createdAt, t.id),
    index("sms_messages_to_created_idx").on(t.to, t.createdAt, t.id),
    index("sms_messages_category_created_idx").on(t.category, t.createdAt, t.id),
    index("sms_messages_task_idx")
      .on(t.taskId)
      .where(sql`${t.taskId} is not null`),
    index("sms_messages_merged_into_idx")
      .on(t.mergedIntoId)
      .where(sql`${t.mergedIntoId} is not null`),
    // The digest at the end of quiet hours gathers one user's texts held by them.
    index("sms_messages_quiet_held_idx")
      .on(t.userId, t.heldUntil)
      .where(sql`${t.status} = 'scheduled' and ${t.holdReason} = 'quiet_hours'`),
    index("sms_messages_retry_of_idx")
      .on(t.retryOfId)
      .where(sql`${t.retryOfId} is not null`),
    index("sms_messages_unknown_idx")
      .on(t.createdAt, t.id)
      .where(sql`${t.status} = 'unknown'`),
    // Reconciliation sweeps, each walked in keyset order (see server/sms/reconcile/).
    index("sms_messages_in_flight_idx")
      .on(sql`greatest(${t.updatedAt}, ${t.reconciledAt})`, t.id)
      .where(sql`${t.status} in ('sending', 'sent')`),
    index("sms_messages_pending_idx")
      .on(t.createdAt, t.id)
      .where(sql`${t.status} = 'pending'`),
    index("sms_messages_unpriced_idx")
      .on(t.updatedAt, t.id)
      .where(sql`${t.status} in ('delivered', 'undelivered') and ${t.price} is null and ${t.priceFetchedAt} is null`),
  ],
);

/** One row per status change; the unique index absorbs duplicate callbacks. */
export const smsMessageEvents = pgTable(
  "sms_message_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    messageId: uuid()
      .notNull()
      .references(() => smsMessages.id, { onDelete: "cascade" }),
    status: text().notNull(),
    source: smsEventSource().notNull(),
    /** Whether this event moved the message's status (false: late or out-of-order, kept for the record). */
    applied: boolean().notNull().default(true),
    errorCode: integer(),
    payload: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Only Twilio's callbacks repeat (retried or duplicated webhooks); our own state changes may
    // legitimately repeat a status (held twice, queued again after a 429), so each is kept.
    uniqueIndex("sms_message_events_callback_unique")
      .on(t.messageId, t.status)
      .where(sql`${t.source} = 'callback'`),
    index("sms_message_events_message_idx").on(t.messageId, t.id),
    // When a held text was due (its hold's end, server/dashboard/aggregate.ts) is looked up for
    // every delivered text the dashboard counts live; few events are holds, so this index is small
    // and most lookups end in it without reading a row.
    index("sms_message_events_held_idx")
      .on(t.messageId)
      .where(sql`${t.status} = 'scheduled'`),
  ],
);
