import { sql } from "drizzle-orm";
import { boolean, check, integer, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { smsCategory } from "./enums";

export const smsTemplates = pgTable(
  "sms_templates",
  {
    id: uuid().primaryKey().defaultRandom(),
    key: text().notNull().unique(),
    name: text().notNull(),
    description: text().notNull().default(""),
    category: smsCategory().notNull(),
    active: boolean().notNull().default(true),
    currentVersion: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("sms_templates_key_format", sql`${t.key} ~ '^[a-z0-9_]+$'`)],
);

/** Immutable bodies: a message points at the exact version it was rendered from. */
export const smsTemplateVersions = pgTable(
  "sms_template_versions",
  {
    id: uuid().primaryKey().defaultRandom(),
    templateId: uuid()
      .notNull()
      .references(() => smsTemplates.id, { onDelete: "cascade" }),
    version: integer().notNull(),
    body: text().notNull(),
    variables: jsonb().$type<string[]>().notNull(),
    createdBy: text().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("sms_template_versions_template_version").on(t.templateId, t.version)],
);
