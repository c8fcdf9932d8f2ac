import { sql } from "drizzle-orm";
import { z } from "zod";
import { oneLineText } from "@/common/text";
import { column, queryRows } from "@/db/raw-rows";
import { inboundKeyword, inboundOutcome, smsStatus } from "@/db/schema";
import { DomainError } from "../errors";
import type { AdminActor, ServiceContext, UserActor } from "../service-context";

/** Which user's conversation an admin asks for (the router's input). */
export const userConversationSchema = z.object({ userId: oneLineText("User", 200).pipe(z.string().min(1, "Choose a user")) }).strict();

/** Replies and texts a history or conversation shows: the latest, enough to follow a thread. */
const CONVERSATION_LIMIT = 50;

type Keyword = (typeof inboundKeyword.enumValues)[number];
type Outcome = (typeof inboundOutcome.enumValues)[number];

/** What a text a person sent us did, in words they understand. One home for the history and the admin view. */
export function whatReplyDid(reply: { keyword: Keyword; matchedRule: string; outcome: Outcome | null; taskTitle: string | null }): string {
  const task = reply.taskTitle ? `"${reply.taskTitle}"` : "the task";
  switch (reply.keyword) {
    case "stop":
      return reply.matchedRule.startsWith("phrase:") ? "Stopped texts (read as a request to stop)." : "Stopped texts.";
    case "start":
      return "Turned texts back on.";
    case "help":
      return "Answered with help.";
    case "none":
      break;
  }
  switch (reply.outcome) {
    case "completed":
      return `Completed ${task}.`;
    case "snoozed":
      return `Snoozed ${task}.`;
    case "asked_which":
      return "Asked which reminder was meant; nothing changed.";
    case "already_done":
      return `Nothing: ${task} was already done.`;
    case "task_deleted":
      return "Nothing: the task was deleted.";
    case "past_due":
      return `Nothing: ${task} was already due.`;
    case "no_reminder":
      return "Nothing: no open reminder to act on.";
    case "replies_off":
      return "Nothing: Act on my replies is off.";
    case "not_understood":
      return "Nothing: the snooze time was not understood.";
    case "snooze_refused":
      return `Nothing: ${task} could not be snoozed (reminders off, daily limit reached, or texts cannot reach the number).`;
    case null:
      return reply.matchedRule.startsWith("action:") ? "Nothing: the number cannot act on tasks." : "Nothing: not a command.";
  }
}

const inboundRowSchema = z.object({
  id: z.string(),
  body: z.string(),
  received_at: column.timestamp,
  keyword: z.enum(inboundKeyword.enumValues),
  matched_rule: z.string(),
  outcome: z.enum(inboundOutcome.enumValues).nullable(),
  reply: z.string().nullable(),
  task_title: z.string().nullable(),
});

async function repliesOf(ctx: ServiceContext, userId: string) {
  const rows = await queryRows(
    ctx.db,
    sql`select i.id, i.body, i.received_at, i.keyword, i.matched_rule, i.outcome, i.reply, t.title as task_title
        from sms_inbound_messages i left join tasks t on t.id = i.task_id
        where i.user_id = ${userId}
        order by i.received_at desc, i.id desc
        limit ${CONVERSATION_LIMIT}`,
    inboundRowSchema,
  );
  return rows.map((row) => ({
    id: row.id,
    body: row.body,
    receivedAt: row.received_at,
    /** Our answer, sent back in the webhook's TwiML (null: none). */
    answer: row.reply,
    did: whatReplyDid({ keyword: row.keyword, matchedRule: row.matched_rule, outcome: row.outcome, taskTitle: row.task_title }),
  }));
}

/** The session user's latest texts to us, newest first, each with what it did. */
export function listOwnReplies(ctx: ServiceContext<UserActor>) {
  return repliesOf(ctx, ctx.actor.userId);
}

const outboundRowSchema = z.object({
  id: z.string(),
  body: z.string(),
  status: z.enum(smsStatus.enumValues),
  at: column.timestamp,
});

/**
 * One user's conversation for the admin console, oldest first: our texts to them (with status)
 * and their texts to us (with our answer and what each did), the latest of each.
 */
export async function userConversation(ctx: ServiceContext<AdminActor>, userId: string) {
  const [user] = await queryRows(
    ctx.db,
    sql`select u.email, p.phone from users u left join user_sms_preferences p on p.user_id = u.id where u.id = ${userId}`,
    z.object({ email: z.string(), phone: z.string().nullable() }),
  );
  if (!user) throw new DomainError("NOT_FOUND", "User not found");
  const outbound = (
    await queryRows(
      ctx.db,
      sql`select m.id, m.body, m.status, coalesce(m.sent_at, m.created_at) as at from sms_messages m
          where m.user_id = ${userId} order by m.created_at desc, m.id desc limit ${CONVERSATION_LIMIT}`,
      outboundRowSchema,
    )
  ).map((row) => ({ direction: "to_user" as const, id: row.id, body: row.body, at: row.at, status: row.status }));
  const inbound = (await repliesOf(ctx, userId)).map((r) => ({
    direction: "from_user" as const,
    id: r.id,
    body: r.body,
    at: r.receivedAt,
    answer: r.answer,
    did: r.did,
  }));
  const items = [...outbound, ...inbound].sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
  return { email: user.email, phone: user.phone, items };
}
