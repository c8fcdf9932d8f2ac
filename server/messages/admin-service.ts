import { randomUUID } from "node:crypto";
import { and, count, eq, notInArray } from "drizzle-orm";
import { z } from "zod";
import { boundedDate, multiLineText, oneLineText } from "@/common/text";
import { smsMessages, smsTemplates } from "@/db/schema";
import { recordAdminAction } from "../audit/log";
import { DomainError } from "../errors";
import { jobsAfterCommit } from "../jobs/after-commit";
import type { AdminActor, ServiceContext } from "../service-context";
import { cancelMessage } from "../sms/cancel";
import { CANCELLABLE_STATUSES } from "../sms/cancel-statuses";
import { requestSms } from "../sms/request";
import type { SmsStatus } from "../sms/status-rank";

type AdminContext = ServiceContext<AdminActor>;

/** Texts that reached Twilio and did not arrive: the ones an admin may send again. */
const RETRYABLE_STATUSES = ["failed", "undelivered"] as const satisfies readonly SmsStatus[];
/** A retry that ended like this does not block another one. */
const RETRY_GAVE_UP: SmsStatus[] = ["failed", "undelivered", "skipped", "cancelled"];

/**
 * Runs a service inside one transaction with the audit entry, and starts its durable jobs only
 * after the commit (see jobsAfterCommit).
 */
async function inAuditedTransaction<T>(ctx: AdminContext, work: (tx: AdminContext) => Promise<T>): Promise<T> {
  const jobs = jobsAfterCommit();
  const result = await ctx.db.transaction((tx) => work({ ...ctx, db: tx, jobs }));
  await jobs.flush(ctx.jobs);
  return result;
}

/** Cancels a pending, scheduled or queued text (cancelMessage), recorded as message.cancel. */
export async function cancelMessageAsAdmin(ctx: AdminContext, messageId: string) {
  return inAuditedTransaction(ctx, async (tx) => {
    const result = await cancelMessage(tx, messageId);
    if (result.changed) {
      await recordAdminAction(tx.db, ctx.actor, { action: "message.cancel", targetType: "message", targetId: messageId });
    }
    return result;
  });
}

/**
 * Sends a failed or undelivered text again: a new message through the request service (so the
 * send decision, the daily cap and the user's current number and opt-out all apply), rendered
 * from the template's current version with the same variables, priority and deadline, linked to
 * the old one (`retry_of_id`), with the dedupe key `retry:<old id>:<n>`. While an earlier retry
 * is still on its way or was delivered, another is refused, so a double click sends one text.
 */
export async function retryMessage(ctx: AdminContext, messageId: string) {
  return inAuditedTransaction(ctx, async (tx) => {
    const [old] = await tx.db
      .select({ message: smsMessages, templateKey: smsTemplates.key })
      .from(smsMessages)
      .leftJoin(smsTemplates, eq(smsTemplates.id, smsMessages.templateId))
      .where(eq(smsMessages.id, messageId))
      .for("update", { of: smsMessages });
    if (!old) throw new DomainError("NOT_FOUND", "Message not found");
    const { message } = old;
    if (!(RETRYABLE_STATUSES as readonly string[]).includes(message.status)) {
      throw new DomainError("CONFLICT", `This text is ${message.status}; only a failed or undelivered text can be retried`);
    }
    if (!old.templateKey) throw new DomainError("CONFLICT", "This text's template no longer exists, so it cannot be rendered again");
    const [open] = await tx.db
      .select({ id: smsMessages.id, status: smsMessages.status })
      .from(smsMessages)
      .where(and(eq(smsMessages.retryOfId, messageId), notInArray(smsMessages.status, RETRY_GAVE_UP)))
      .limit(1);
    if (open) throw new DomainError("CONFLICT", `This text was already retried; the retry is ${open.status}`);
    const [{ earlier } = { earlier: 0 }] = await tx.db
      .select({ earlier: count() })
      .from(smsMessages)
      .where(eq(smsMessages.retryOfId, messageId));
    const attempt = Number(earlier) + 1;
    const result = await requestSms(tx, {
      userId: message.userId,
      templateKey: old.templateKey,
      variables: message.templateVars,
      priority: message.priority,
      validUntil: message.validUntil ?? undefined,
      dedupeKey: `retry:${messageId}:${attempt}`,
    });
    await tx.db.update(smsMessages).set({ retryOfId: messageId }).where(eq(smsMessages.id, result.messageId));
    await recordAdminAction(tx.db, ctx.actor, {
      action: "message.retry",
      targetType: "message",
      targetId: messageId,
      details: { retryId: result.messageId, attempt },
    });
    return result;
  });
}

const TEST_SEND_MAX_VARIABLES = 50;

export const testSendSchema = z
  .object({
    userId: oneLineText("User", 200).pipe(z.string().min(1, "Choose a user")),
    templateKey: z.string().max(64).regex(/^[a-z0-9_]+$/, "Choose a template"),
    variables: z
      .record(z.string().max(64).regex(/^[a-z][a-z0-9_]*$/), multiLineText("Variable", 1_600))
      .refine((values) => Object.keys(values).length <= TEST_SEND_MAX_VARIABLES, `At most ${TEST_SEND_MAX_VARIABLES} variables`)
      .default({}),
    /** Not before this moment; the user's quiet hours still apply. */
    scheduledFor: boundedDate("Choose a date between the years 1900 and 9999").optional(),
  })
  .strict();

export type TestSend = z.infer<typeof testSendSchema>;

/**
 * A test text to a chosen user through the real pipeline (request service, send decision,
 * durable send), recorded as message.test_send. It is an ordinary message: the log, the
 * dashboard and the user's history show it like any other.
 */
export async function sendTestMessage(ctx: AdminContext, input: TestSend) {
  return inAuditedTransaction(ctx, async (tx) => {
    const result = await requestSms(tx, {
      userId: input.userId,
      templateKey: input.templateKey,
      variables: input.variables,
      scheduledFor: input.scheduledFor,
      dedupeKey: `test:${randomUUID()}`,
    });
    await recordAdminAction(tx.db, ctx.actor, {
      action: "message.test_send",
      targetType: "message",
      targetId: result.messageId,
      details: { templateKey: input.templateKey, scheduledFor: input.scheduledFor?.toISOString() ?? null },
    });
    return result;
  });
}

/**
 * What an admin may do with a text in this status, for the detail view's buttons. A text merged
 * into a digest can still be cancelled (taken out of it) while the digest has not left.
 */
export function adminActionsFor(status: SmsStatus, digestStatus?: SmsStatus) {
  const cancellable = (s: SmsStatus | undefined) => s !== undefined && (CANCELLABLE_STATUSES as readonly SmsStatus[]).includes(s);
  return {
    cancel: cancellable(status) || (status === "merged" && cancellable(digestStatus)),
    retry: (RETRYABLE_STATUSES as readonly SmsStatus[]).includes(status),
  };
}
