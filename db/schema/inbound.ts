import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { inboundKeyword } from "./enums";

export const smsInboundMessages = pgTable(
  "sms_inbound_messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    twilioSid: text().notNull().unique(),
    from: text().notNull(),
    to: text().notNull(),
    body: text().notNull(),
    userId: text().references(() => users.id, { onDelete: "set null" }),
    keyword: inboundKeyword().notNull(),
    reply: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sms_inbound_from_idx").on(t.from, t.receivedAt.desc())],
);
