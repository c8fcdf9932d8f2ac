import { bigserial, index, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./auth";

export const adminAction = pgEnum("admin_action", [
  "template.create",
  "template.save",
  "template.activate",
  "template.deactivate",
  "message.cancel",
  "message.retry",
  "message.test_send",
]);

/** Every admin action: who, what, when, on which template or message. Never updated or deleted. */
export const adminAuditLog = pgTable(
  "admin_audit_log",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    actorUserId: text().references(() => users.id, { onDelete: "set null" }),
    action: adminAction().notNull(),
    targetType: text().$type<"template" | "message">().notNull(),
    targetId: text().notNull(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("admin_audit_log_target_idx").on(t.targetType, t.targetId, t.createdAt)],
);
