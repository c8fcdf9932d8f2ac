import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { smsCategory, smsEventSource, smsPriority, smsSkipReason, smsStatus } from "./enums";
import { smsTemplates, smsTemplateVersions } from "./templates";

export const smsMessages = pgTable(
  "sms_messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** E.164, copied from the verified number when the message was requested. */
    to: text().notNull(),
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
    /** A cron or a retried caller can never create the same message twice. */
    dedupeKey: text().notNull().unique(),
    /** Verification time of the phone when requested: a later re-verification means the number changed. */
    phoneVerifiedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sms_messages_user_created_idx").on(t.userId, t.createdAt.desc()),
    index("sms_messages_created_idx").on(t.createdAt.desc()),
    index("sms_messages_status_created_idx").on(t.status, t.createdAt.desc()),
    index("sms_messages_template_created_idx").on(t.templateId, t.createdAt.desc()),
    // The admin log's recipient and category filters (keyset on created_at within each).
    index("sms_messages_to_created_idx").on(t.to, t.createdAt.desc()),
    index("sms_messages_category_created_idx").on(t.category, t.createdAt.desc()),
    index("sms_messages_unknown_idx")
      .on(t.createdAt)
      .where(sql`${t.status} = 'unknown'`),
  ],
);

/** One row per distinct status change; the unique key absorbs duplicate callbacks. */
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
  (t) => [unique("sms_message_events_message_status").on(t.messageId, t.status)],
);
