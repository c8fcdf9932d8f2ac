import { sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { z } from "zod";
import { column, queryRows } from "@/db/raw-rows";
import type { inboundOutcome } from "@/db/schema";
import { SNOOZE_MINUTES } from "@/common/limits";
import { answeredSql, REPLY_WINDOW_HOURS } from "../../reminders/open";
import { reminderVariables } from "../../reminders/text";
import type { ServiceContext, WebhookActor } from "../../service-context";
import { completeOwnedTask } from "../../tasks/service";
import { quietHoursEnd } from "../quiet-hours";
import { reachableRecipient } from "../recipients";
import { requestSms } from "../request";
import type { ReplyAction, SnoozeFor } from "./parse";
import { resolveReply, type ReplyCandidate } from "./resolve";
import { replyWords } from "./words";

type Outcome = (typeof inboundOutcome.enumValues)[number];

/** What acting on a reply did: stored on the inbound row, and its answer sent back as TwiML. */
export interface ActResult {
  outcome: Outcome;
  reply: string;
  userId: string | null;
  taskId: string | null;
  answeredMessageId: string | null;
  createdMessageId: string | null;
  /** Reminders the completion cancelled: their runs are stopped once the transaction committed. */
  cancelled: string[];
}

/** The settings of a user who can be texted on the number, as acting on their reminder needs them. */
const personSchema = z.object({
  user_id: z.string(),
  act_on_replies: z.boolean(),
  time_zone: z.string(),
  quiet_hours_enabled: z.boolean(),
  quiet_hours_start: z.string(),
  quiet_hours_end: z.string(),
  snooze_minutes: z.coerce.number(),
});
type Person = z.infer<typeof personSchema>;

const candidateSchema = z.object({
  message_id: z.string(),
  user_id: z.string(),
  task_id: z.string(),
  reply_ref: z.coerce.number(),
  sent_at: column.timestamp,
  task_exists: z.boolean(),
  title: z.string().nullable(),
  project: z.string().nullable(),
  due_at: column.timestamp.nullable(),
  completed_at: column.timestamp.nullable(),
  answered: z.boolean(),
});

/**
 * Who may act by text from this number: users whose verified number it is and who can be texted
 * (not opted out). Replies from any other number change nothing.
 */
async function peopleOn(ctx: ServiceContext, phone: string): Promise<Person[]> {
  return queryRows(
    ctx.db,
    sql`select p.user_id, p.act_on_replies, p.time_zone, p.quiet_hours_enabled, p.quiet_hours_start, p.quiet_hours_end, p.snooze_minutes
        from user_sms_preferences p where p.phone = ${phone} and ${reachableRecipient("p")}`,
    personSchema,
  );
}

/** Statuses of a text that reached (or may have reached) the phone. */
const SENT = sql.raw(`('sending', 'sent', 'delivered', 'unknown')`);
/** When a reminder reached the phone: its own send, or the send of the digest it went out in (`d`). */
const sentAt = sql.raw(`coalesce(d.sent_at, m.sent_at, m.created_at)`);

/**
 * Task reminders sent to this number in the reply window for these users, newest first; one that
 * went out inside a digest counts as sent with it, so "DONE 2" acts on the digest's item 2.
 */
async function candidatesFor(ctx: ServiceContext, phone: string, userIds: string[], now: Date): Promise<ReplyCandidate[]> {
  const rows = await queryRows(
    ctx.db,
    sql`
    select m.id as message_id, m.user_id, m.task_id, coalesce(m.reply_ref, 1) as reply_ref, ${sentAt} as sent_at,
      t.id is not null as task_exists, t.title, t.project, t.due_at, t.completed_at, ${answeredSql("m")} as answered
    from sms_messages m
    left join sms_messages d on d.id = m.merged_into_id
    left join tasks t on t.id = m.task_id
    where coalesce(d."to", m."to") = ${phone} and m.task_id is not null
      and m.user_id in (select jsonb_array_elements_text(${JSON.stringify(userIds)}::text::jsonb))
      and (m.status in ${SENT} or (m.status = 'merged' and d.status in ${SENT}))
      and ${sentAt} > ${now.toISOString()}::timestamptz - make_interval(hours => ${REPLY_WINDOW_HOURS}::int)
    order by ${sentAt} desc, m.id desc
    limit 50`,
    candidateSchema,
  );
  return rows.map((c) => ({
    messageId: c.message_id,
    userId: c.user_id,
    taskId: c.task_id,
    replyRef: c.reply_ref,
    sentAt: c.sent_at,
    task: c.task_exists ? { title: c.title ?? "", project: c.project ?? "", dueAt: c.due_at, completedAt: c.completed_at } : null,
    answered: c.answered,
  }));
}

/**
 * When a snooze ends: the user's default, a number of minutes (5 minutes to 24 hours), or
 * TOMORROW = the next local morning, when their quiet hours end (08:00 without quiet hours).
 * Rounded up to the whole minute, so a repeated reply lands on the same dedupe key. Null: no
 * time could be read, or it is out of range.
 */
export function snoozeUntil(
  snooze: SnoozeFor,
  person: Pick<Person, "snooze_minutes" | "time_zone" | "quiet_hours_enabled" | "quiet_hours_end">,
  now: Date,
): Date | null {
  let at: Date;
  if (snooze.kind === "tomorrow") {
    const [hour, minute] = (person.quiet_hours_enabled ? person.quiet_hours_end : "08:00").split(":").map(Number);
    at = DateTime.fromJSDate(now, { zone: person.time_zone }).plus({ days: 1 }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
  } else {
    const minutes = snooze.kind === "default" ? person.snooze_minutes : snooze.kind === "minutes" ? snooze.minutes : null;
    if (minutes === null || minutes < SNOOZE_MINUTES.min || minutes > SNOOZE_MINUTES.max) return null;
    at = new Date(now.getTime() + minutes * 60_000);
  }
  return new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
}

const nothing = { userId: null, taskId: null, answeredMessageId: null, createdMessageId: null, cancelled: [] };

/**
 * Acts on a DONE or SNOOZE reply from `phone`: finds the reminder it answers (server/sms/
 * reply-actions/resolve.ts), then completes its task (cancelling its reminders still waiting) or
 * requests a new reminder at the snooze time through the normal request path (quiet hours, cap,
 * dedupe key per task and time). Null when no user who can be texted has this number: such a
 * reply changes nothing and gets no answer. Run it inside the transaction that stored the reply.
 */
export async function actOnReply(
  ctx: ServiceContext<WebhookActor>,
  { phone, action, now }: { phone: string; action: ReplyAction; now: Date },
): Promise<ActResult | null> {
  const people = await peopleOn(ctx, phone);
  if (people.length === 0) return null;
  const acting = people.filter((p) => p.act_on_replies);
  if (acting.length === 0) return { outcome: "replies_off", reply: replyWords.repliesOff(), ...nothing, userId: people[0]!.user_id };

  const candidates = await candidatesFor(ctx, phone, acting.map((p) => p.user_id), now);
  const verb = action.action === "done" ? "DONE" : "SNOOZE";
  const resolution = resolveReply(candidates, action.ref);
  if (resolution.kind === "none") return { outcome: "no_reminder", reply: replyWords.noReminder(), ...nothing, userId: acting[0]!.user_id };
  if (resolution.kind === "ask" || resolution.kind === "unknown_ref") {
    const unknownRef = resolution.kind === "unknown_ref" ? resolution.ref : undefined;
    const outcome = resolution.kind === "ask" ? "asked_which" : "no_reminder";
    return { outcome, reply: replyWords.which(verb, resolution.open, unknownRef), ...nothing, userId: acting[0]!.user_id };
  }

  const reminder = resolution.reminder;
  const person = acting.find((p) => p.user_id === reminder.userId)!;
  const answered = { ...nothing, userId: reminder.userId, taskId: reminder.taskId, answeredMessageId: reminder.messageId };
  const task = reminder.task;
  if (!task) return { ...answered, outcome: "task_deleted", reply: replyWords.deleted() };
  if (task.completedAt) return { ...answered, outcome: "already_done", reply: replyWords.alreadyDone(task.title) };

  if (action.action === "done") {
    const done = await completeOwnedTask(ctx.db, ctx.actor, { taskId: reminder.taskId, userId: reminder.userId, via: "text", at: now });
    if (!done) return { ...answered, outcome: "already_done", reply: replyWords.alreadyDone(task.title) };
    return { ...answered, outcome: "completed", reply: replyWords.completed(task.title), cancelled: done.cancelled };
  }

  if (task.dueAt && task.dueAt <= now) {
    return { ...answered, outcome: "past_due", reply: replyWords.pastDue(task.title, task.dueAt, person.time_zone) };
  }
  const until = snoozeUntil(action.for, person, now);
  if (!until) return { ...answered, outcome: "not_understood", reply: replyWords.unclearSnooze() };
  const requested = await requestSms(
    ctx,
    {
      userId: reminder.userId,
      templateKey: "task_reminder",
      variables: reminderVariables({ ...task, dueAt: task.dueAt ?? until }, person.time_zone, until, {
        replyRef: reminder.replyRef,
        actOnReplies: true,
      }),
      scheduledFor: until,
      dedupeKey: `task_snooze:${reminder.taskId}:${until.toISOString()}`,
      // The snoozed reminder keeps the answered one's reference and the due time it was for: a
      // reschedule or completion before it leaves cancels it like any reminder.
      reminder: { taskId: reminder.taskId, taskDueAt: task.dueAt, replyRef: reminder.replyRef },
    },
    now,
  );
  if (requested.status === "skipped") return { ...answered, outcome: "snooze_refused", reply: replyWords.notSnoozed(task.title) };
  const quietEnd = person.quiet_hours_enabled
    ? quietHoursEnd(until, { start: person.quiet_hours_start, end: person.quiet_hours_end, timeZone: person.time_zone })
    : null;
  return {
    ...answered,
    outcome: "snoozed",
    createdMessageId: requested.messageId,
    reply: replyWords.snoozed(task.title, quietEnd ?? until, person.time_zone, now, quietEnd !== null),
  };
}
