import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { smsInboundMessages, userSmsPreferences } from "@/db/schema";
import { jobsAfterCommit } from "../jobs/after-commit";
import { stopCancelledRuns } from "../reminders/cancel";
import type { ServiceContext, WebhookActor } from "../service-context";
import { recordOptChanges, type OptChangeSource } from "./opt-changes";
import { helpReply, startReply, stopReply, type ProgramInfo } from "./replies";
import { actOnReply } from "./reply-actions/act";
import { readReply } from "./reply-actions/parse";

export interface InboundText {
  messageSid: string;
  from: string;
  to: string;
  body: string;
}

/**
 * Handles a text a person sent us. Keywords first: STOP-family words and plain requests to stop
 * opt the number's users out, START-family back in, HELP gets the program description (the rule
 * that matched is stored). Otherwise DONE / SNOOZE act on the reminder the text answers
 * (server/sms/reply-actions). Every text is stored once (by SID) in the transaction that acts
 * on it, so a redelivered webhook gets the first reply and acts no second time; durable jobs
 * (a snooze's send run, stopping cancelled reminders) start only after that commit.
 */
export async function handleInboundText(
  ctx: ServiceContext<WebhookActor>,
  text: InboundText,
  program: ProgramInfo,
  now = new Date(),
): Promise<{ reply: string | null; duplicate: boolean }> {
  const read = readReply(text.body);
  const keywordReply =
    read.keyword === "stop" ? stopReply(program) : read.keyword === "start" ? startReply(program) : read.keyword === "help" ? helpReply(program) : null;
  const held = jobsAfterCommit();

  const result = await ctx.db.transaction(async (tx) => {
    const owner = await tx.query.userSmsPreferences.findFirst({
      columns: { userId: true },
      where: and(eq(userSmsPreferences.phone, text.from), isNotNull(userSmsPreferences.phoneVerifiedAt)),
    });
    const [stored] = await tx
      .insert(smsInboundMessages)
      .values({
        twilioSid: text.messageSid,
        from: text.from,
        to: text.to,
        body: text.body,
        userId: owner?.userId ?? null,
        keyword: read.keyword,
        matchedRule: read.rule,
        reply: keywordReply,
        receivedAt: now,
      })
      .onConflictDoNothing({ target: smsInboundMessages.twilioSid })
      .returning({ id: smsInboundMessages.id });
    if (!stored) {
      const previous = await tx.query.smsInboundMessages.findFirst({ where: eq(smsInboundMessages.twilioSid, text.messageSid) });
      return { reply: previous?.reply ?? null, duplicate: true, cancelled: [] as string[] };
    }
    if (read.keyword === "stop") await optOutNumber(tx, text.from, "keyword", now);
    // START's TwiML reply (startReply) is the opt-in confirmation here: no welcome_sms on top of it.
    if (read.keyword === "start") await optInNumber(tx, text.from, now);
    if (!read.action) return { reply: keywordReply, duplicate: false, cancelled: [] as string[] };

    const acted = await actOnReply({ db: tx, actor: ctx.actor, jobs: held }, { phone: text.from, action: read.action, now });
    if (!acted) return { reply: null, duplicate: false, cancelled: [] as string[] };
    await tx
      .update(smsInboundMessages)
      .set({
        outcome: acted.outcome,
        reply: acted.reply,
        userId: acted.userId ?? owner?.userId ?? null,
        taskId: acted.taskId,
        answeredMessageId: acted.answeredMessageId,
        createdMessageId: acted.createdMessageId,
      })
      .where(eq(smsInboundMessages.id, stored.id));
    return { reply: acted.reply, duplicate: false, cancelled: acted.cancelled };
  });
  await held.flush(ctx.jobs);
  await stopCancelledRuns(ctx.jobs, result.cancelled);
  return { reply: result.reply, duplicate: result.duplicate };
}

/** Marks every user with this number as opted out (when and how are kept if already opted out); each change is recorded. */
export async function optOutNumber(db: DbOrTx, phone: string, source: OptChangeSource, now = new Date()) {
  const changed = await db
    .update(userSmsPreferences)
    .set({ optedOutAt: now, optOutSource: source, optedInAt: null, optInSource: null, updatedAt: now })
    .where(and(eq(userSmsPreferences.phone, phone), isNull(userSmsPreferences.optedOutAt)))
    .returning({ userId: userSmsPreferences.userId });
  await recordOptChanges(db, changed, "opt_out", source, now);
}

/** START from the phone: every opted-out user with this number gets texts again, recorded as a keyword opt-in. */
export async function optInNumber(db: DbOrTx, phone: string, now = new Date()) {
  const changed = await db
    .update(userSmsPreferences)
    .set({ optedOutAt: null, optOutSource: null, optedInAt: now, optInSource: "keyword", updatedAt: now })
    .where(and(eq(userSmsPreferences.phone, phone), isNotNull(userSmsPreferences.optedOutAt)))
    .returning({ userId: userSmsPreferences.userId });
  await recordOptChanges(db, changed, "opt_in", "keyword", now);
}
