import { and, asc, desc, eq, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { boundedDate, oneLineText } from "@/common/text";
import { adminAuditLog, smsCategory, smsMessageEvents, smsMessages, smsStatus, smsTemplates, smsTemplateVersions, users } from "@/db/schema";
import { DomainError } from "../errors";
import { adminActionsFor } from "./admin-service";
import { plainFailureReason } from "../sms/error-reasons";
import { phoneSearchTerm } from "../users/phone-search";
import type { AdminActor, ServiceContext } from "../service-context";

const MESSAGE_LOG_PAGE_SIZE = 50;

export const messageLogQuerySchema = z
  .object({
    status: z.enum(smsStatus.enumValues, { message: "Choose a status from the list" }).optional(),
    templateId: z.uuid({ message: "Choose a template from the list" }).optional(),
    category: z.enum(smsCategory.enumValues, { message: "Choose a category from the list" }).optional(),
    /** An email address or a phone number. */
    recipient: oneLineText("Recipient", 254).optional(),
    from: boundedDate("Choose a date between the years 1900 and 9999").optional(),
    to: boundedDate("Choose a date between the years 1900 and 9999").optional(),
    cursor: z.object({ createdAt: boundedDate("Not a message log cursor"), id: z.uuid() }).strict().nullish(),
    // Sent by tRPC's infinite queries; the log only pages forward (older).
    direction: z.literal("forward").optional(),
    limit: z.number().int().min(1).max(100).default(MESSAGE_LOG_PAGE_SIZE),
  })
  .strict();

export type MessageLogQuery = z.infer<typeof messageLogQuerySchema>;

/** A whole email address (any case) finds the user's texts; a phone number the texts sent to it. */
async function recipientFilter(db: ServiceContext["db"], recipient: string): Promise<SQL | "none"> {
  const term = phoneSearchTerm(recipient);
  if (term.kind === "phone") return eq(smsMessages.to, term.phone);
  if (term.kind === "email" && term.text.includes("@")) {
    const user = await db.query.users.findFirst({ columns: { id: true }, where: sql`lower(${users.email}) = lower(${term.text})` });
    return user ? eq(smsMessages.userId, user.id) : "none";
  }
  throw new DomainError("BAD_REQUEST", "Search by an email address or a phone number", { field: "recipient" });
}

/**
 * The admin message log, newest first, keyset-paginated on (created_at, id) so deep pages cost
 * what the first does. Each filter has an index that starts with it and ends with created_at.
 */
export async function listMessageLog({ db }: ServiceContext<AdminActor>, query: MessageLogQuery) {
  const recipient = query.recipient ? await recipientFilter(db, query.recipient) : undefined;
  if (recipient === "none") return { items: [], nextCursor: null };
  const where = and(
    query.status ? eq(smsMessages.status, query.status) : undefined,
    query.templateId ? eq(smsMessages.templateId, query.templateId) : undefined,
    query.category ? eq(smsMessages.category, query.category) : undefined,
    recipient,
    query.from ? sql`${smsMessages.createdAt} >= ${query.from.toISOString()}::timestamptz` : undefined,
    query.to ? sql`${smsMessages.createdAt} < ${query.to.toISOString()}::timestamptz` : undefined,
    // A row comparison, so the index's (created_at, id) order continues exactly where the page ended.
    query.cursor
      ? sql`(${smsMessages.createdAt}, ${smsMessages.id}) < (${query.cursor.createdAt.toISOString()}::timestamptz, ${query.cursor.id}::uuid)`
      : undefined,
  );
  const rows = await db
    .select({
      id: smsMessages.id,
      createdAt: smsMessages.createdAt,
      status: smsMessages.status,
      category: smsMessages.category,
      priority: smsMessages.priority,
      to: smsMessages.to,
      body: smsMessages.body,
      skipReason: smsMessages.skipReason,
      errorCode: smsMessages.errorCode,
      templateKey: smsTemplates.key,
      userEmail: users.email,
    })
    .from(smsMessages)
    .leftJoin(smsTemplates, eq(smsTemplates.id, smsMessages.templateId))
    .innerJoin(users, eq(users.id, smsMessages.userId))
    .where(where)
    .orderBy(desc(smsMessages.createdAt), desc(smsMessages.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/**
 * One message with everything an admin needs to understand it: template version, variables,
 * every event in order with its source, the failure in plain words, the text it retries and
 * the retries made of it, and the admin actions taken on it.
 */
export async function getMessageForAdmin({ db }: ServiceContext<AdminActor>, id: string) {
  const [row] = await db
    .select({
      message: smsMessages,
      userEmail: users.email,
      templateKey: smsTemplates.key,
      templateName: smsTemplates.name,
      templateVersion: smsTemplateVersions.version,
    })
    .from(smsMessages)
    .innerJoin(users, eq(users.id, smsMessages.userId))
    .leftJoin(smsTemplates, eq(smsTemplates.id, smsMessages.templateId))
    .leftJoin(smsTemplateVersions, eq(smsTemplateVersions.id, smsMessages.templateVersionId))
    .where(eq(smsMessages.id, id));
  if (!row) throw new DomainError("NOT_FOUND", "Message not found");
  const events = await db
    .select({
      id: smsMessageEvents.id,
      status: smsMessageEvents.status,
      source: smsMessageEvents.source,
      applied: smsMessageEvents.applied,
      errorCode: smsMessageEvents.errorCode,
      payload: smsMessageEvents.payload,
      createdAt: smsMessageEvents.createdAt,
    })
    .from(smsMessageEvents)
    .where(eq(smsMessageEvents.messageId, id))
    .orderBy(smsMessageEvents.createdAt, smsMessageEvents.id);
  const audit = await db
    .select({ action: adminAuditLog.action, at: adminAuditLog.createdAt, by: users.email, details: adminAuditLog.details })
    .from(adminAuditLog)
    .leftJoin(users, eq(users.id, adminAuditLog.actorUserId))
    .where(and(eq(adminAuditLog.targetType, "message"), eq(adminAuditLog.targetId, id)))
    .orderBy(adminAuditLog.createdAt, adminAuditLog.id);
  // The text this one retries and the retries made of it, in one query.
  const related = await db
    .select({ id: smsMessages.id, status: smsMessages.status, createdAt: smsMessages.createdAt, retryOfId: smsMessages.retryOfId })
    .from(smsMessages)
    .where(
      row.message.retryOfId
        ? or(eq(smsMessages.retryOfId, id), eq(smsMessages.id, row.message.retryOfId))
        : eq(smsMessages.retryOfId, id),
    )
    .orderBy(asc(smsMessages.createdAt), asc(smsMessages.id));
  const strip = ({ retryOfId: _, ...rest }: (typeof related)[number]) => rest;
  return {
    ...row.message,
    userEmail: row.userEmail,
    template: row.templateKey ? { key: row.templateKey, name: row.templateName, version: row.templateVersion } : null,
    errorMeaning: plainFailureReason(row.message.errorCode),
    actions: adminActionsFor(row.message.status),
    retryOf: related.filter((m) => m.id === row.message.retryOfId).map(strip)[0] ?? null,
    retries: related.filter((m) => m.retryOfId === id).map(strip),
    events,
    audit,
  };
}
