import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { inboundKeyword, inboundOutcome } from "./enums";
import { smsMessages } from "./messages";

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
    /**
     * Which rule read the text: `keyword:STOP` (a carrier keyword), `phrase:stop texting` (a plain
     * request to stop, an opt-out under the FCC's rule), `action:done`, `action:snooze`, or `none`.
     */
    matchedRule: text().notNull().default("none"),
    /** What a DONE or SNOOZE reply did (null for keywords and other texts). */
    outcome: inboundOutcome(),
    /** The task and the reminder the reply answered (no foreign key on the task: it may be deleted). */
    taskId: uuid(),
    answeredMessageId: uuid().references(() => smsMessages.id, { onDelete: "set null" }),
    /** The reminder a SNOOZE created. */
    createdMessageId: uuid().references(() => smsMessages.id, { onDelete: "set null" }),
    reply: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sms_inbound_from_idx").on(t.from, t.receivedAt.desc()),
    index("sms_inbound_user_idx").on(t.userId, t.receivedAt),
    index("sms_inbound_answered_idx").on(t.answeredMessageId),
  ],
);
