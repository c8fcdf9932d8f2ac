import { and, asc, desc, eq, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { boundedDate, oneLineText } from "@/common/text";
import { adminAuditLog, smsCategory, smsMessageEvents, smsMessages, smsStatus, smsTemplates, smsTemplateVersions, users } from "@/db/schema";
import { DomainError } from "../errors";
import { adminActionsFor } from "./admin-service";
import { plainFailureReason } from "../sms/error-reasons";
import { escapeLike, phoneSearchTerm } from "../users/phone-search";
import type { AdminActor, ServiceContext } from "../service-context";
import { createdAtCursor, fetchLimit, keysetPage } from "../keyset-page";

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
  .strict()
  // A reversed range is a mistake to point at, not a search that finds nothing.
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ["to"], message: "The last day is before the first day" });

export type MessageLogQuery = z.infer<typeof messageLogQuerySchema>;

/**
 * What the recipient search finds, as on the users page: part of an email address (any case)
 * finds those users' texts; a phone number in any common form the texts sent to it; a run of
 * digits too short to be a number (the last four, say), the texts to numbers containing it.
 */
function recipientFilter(recipient: string): SQL {
  const term = phoneSearchTerm(recipient);
  if (term.kind === "phone") return eq(smsMessages.to, term.phone);
  if (term.kind === "email") {
    return sql`${smsMessages.userId} in (select ${users.id} from ${users} where ${users.email} ilike ${`%${escapeLike(term.text)}%`})`;
  }
  const digits = recipient.replace(/\D/g, "");
  if (digits.length >= 3 && /^[\d\s+().-]+$/.test(recipient.trim())) return sql`${smsMessages.to} like ${`%${digits}%`}`;
  throw new DomainError("BAD_REQUEST", "Search by part of an email address, a phone number, or at least 3 of its digits", { field: "recipient" });
}

/**
 * The admin message log, newest first, keyset-paginated on (created_at, id) so deep pages cost
 * what the first does. Each filter has an index that starts with it and ends with created_at.
 */
export async function listMessageLog({ db }: ServiceContext<AdminActor>, query: MessageLogQuery) {
  const recipient = query.recipient ? recipientFilter(query.recipient) : undefined;
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
    .limit(fetchLimit(query.limit));
  return keysetPage(rows, query.limit, (row) => row, createdAtCursor);
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
  // A digest's items, or the digest a merged text went out in (server/sms/digest).
  const digestSide = await db
    .select({ id: smsMessages.id, status: smsMessages.status, body: smsMessages.body, createdAt: smsMessages.createdAt })
    .from(smsMessages)
    .where(row.message.mergedIntoId ? eq(smsMessages.id, row.message.mergedIntoId) : eq(smsMessages.mergedIntoId, id))
    .orderBy(asc(smsMessages.createdAt), asc(smsMessages.id));
  return {
    ...row.message,
    userEmail: row.userEmail,
    template: row.templateKey ? { key: row.templateKey, name: row.templateName, version: row.templateVersion } : null,
    errorMeaning: plainFailureReason(row.message.errorCode),
    actions: adminActionsFor(row.message.status, digestSide[0]?.status),
    retryOf: related.filter((m) => m.id === row.message.retryOfId).map(strip)[0] ?? null,
    retries: related.filter((m) => m.retryOfId === id).map(strip),
    mergedInto: row.message.mergedIntoId ? (digestSide[0] ?? null) : null,
    digestItems: row.message.mergedIntoId ? [] : digestSide,
    events,
    audit,
  };
}
