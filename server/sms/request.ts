import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db/client";
import { column, queryRows } from "@/db/raw-rows";
import { smsCategory, smsPriority } from "@/db/schema";
import { DomainError } from "../errors";
import { EVENTS_PER_SEND } from "../jobs/define";
import { sendCommitted } from "../jobs/after-commit";
import { sendSmsJob } from "../jobs/definitions";
import type { ServiceContext } from "../service-context";
import { eventSourceOf } from "./message-events";
import { planMessage, type MessageRow, type RequestContext, type SmsRequest } from "./request-plan";
import type { SmsStatus } from "./status-rank";

export { cancelMessage } from "./cancel";
export type { SmsRequest } from "./request-plan";

export type RequestResult = { messageId: string; status: SmsStatus; created: boolean };

/** The largest batch one statement and one event send carry. */
const REQUEST_BATCH_SIZE = EVENTS_PER_SEND;

const requestSchema = z
  .object({
    userId: z.string().min(1),
    templateKey: z.string().regex(/^[a-z0-9_]+$/, "must be a template key (a-z, 0-9, _)"),
    variables: z.record(z.string(), z.string()),
    priority: z.enum(smsPriority.enumValues).optional(),
    scheduledFor: z.date().optional(),
    dedupeKey: z.string().min(1).max(200).optional(),
    validUntil: z.date().optional(),
    reminder: z.object({ taskId: z.uuid(), taskDueAt: z.date().nullable(), replyRef: z.number().int().min(1).max(99) }).strict().optional(),
  })
  .strict();

/**
 * Records one text for a user and starts its send run. Renders from the template's current
 * version (recorded with the message); every variable the body names must be given. The
 * recipient is the user's verified number, snapshotted with its verification time so a later
 * change of number is detected before sending. A user without a verified number (or opted out)
 * gets the message recorded as skipped, so it shows in their history and on the dashboard.
 *
 * Errors (nothing recorded): unknown template or user, a missing variable (named), a body over
 * 1,600 characters, a user acting for someone else.
 */
export async function requestSms(ctx: ServiceContext, request: SmsRequest, now = new Date()): Promise<RequestResult> {
  const input = parseRequest(request, "");
  assertMayRequestFor(ctx, input.userId);
  const loaded = await loadRequestContext(ctx.db, [input]);
  const existing = input.dedupeKey ? loaded.existing.get(input.dedupeKey) : undefined;
  if (existing) return { messageId: existing.id, status: existing.status, created: false };

  const planned = planMessage(input, loaded, now);
  if ("error" in planned) throw planned.error;
  const inserted = await insertMessages(ctx, [planned.row]);
  if (inserted.length === 0) {
    // Another request with the same key won the race between our read and our insert.
    const winner = (await loadRequestContext(ctx.db, [input])).existing.get(input.dedupeKey ?? "");
    if (!winner) throw new Error("dedupe conflict without a winning message");
    return { messageId: winner.id, status: winner.status, created: false };
  }
  await startSendRuns(ctx, [planned.row]);
  return { messageId: planned.row.id, status: planned.row.status, created: true };
}

/**
 * Crons: one multi-row insert and one event send per batch of up to 1,000. Requests whose dedupe
 * key exists are counted as existing and create nothing. A request whose variables do not render
 * (missing, or a body over 1,600 characters) is recorded as skipped(invalid_vars) with the reason,
 * so one bad item never holds back the rest; an unknown template or user fails the whole call.
 */
export async function requestSmsBatch(
  ctx: ServiceContext,
  requests: SmsRequest[],
  now = new Date(),
): Promise<{ created: number; existing: number }> {
  const inputs = requests.map((request, index) => parseRequest(request, `[${index}].`));
  for (const input of inputs) assertMayRequestFor(ctx, input.userId);
  let created = 0;
  let existing = 0;
  for (let start = 0; start < inputs.length; start += REQUEST_BATCH_SIZE) {
    const chunk = inputs.slice(start, start + REQUEST_BATCH_SIZE);
    const loaded = await loadRequestContext(ctx.db, chunk);
    const rows: MessageRow[] = [];
    const seenKeys = new Set<string>();
    for (const input of chunk) {
      if (input.dedupeKey && (loaded.existing.has(input.dedupeKey) || seenKeys.has(input.dedupeKey))) {
        existing += 1;
        continue;
      }
      if (input.dedupeKey) seenKeys.add(input.dedupeKey);
      const planned = planMessage(input, loaded, now);
      if ("error" in planned) {
        if (!planned.invalidVars) throw planned.error;
        rows.push(planned.invalidVars);
      } else rows.push(planned.row);
    }
    const inserted = new Set(await insertMessages(ctx, rows));
    created += inserted.size;
    existing += rows.length - inserted.size;
    await startSendRuns(
      ctx,
      rows.filter((row) => inserted.has(row.id)),
    );
  }
  return { created, existing };
}

type ParsedRequest = z.infer<typeof requestSchema>;

function parseRequest(request: SmsRequest, fieldPrefix: string): ParsedRequest {
  const parsed = requestSchema.safeParse(request);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = `${fieldPrefix}${issue?.path.join(".") ?? ""}`;
  throw new DomainError("BAD_REQUEST", `Invalid text request: ${field} ${issue?.message ?? "is invalid"}`, { field });
}

/** A user may ask only for texts to themselves; admins, the system and webhooks for anyone. */
function assertMayRequestFor({ actor }: ServiceContext, userId: string) {
  if (actor.type === "user" && actor.userId !== userId) {
    throw new DomainError("FORBIDDEN", "You can only request texts to your own number");
  }
}

const loadedRow = z.object({
  templates: column.json(
    z.array(
      z.object({
        key: z.string(),
        id: z.uuid(),
        category: z.enum(smsCategory.enumValues),
        active: z.boolean(),
        versionId: z.uuid(),
        body: z.string(),
      }),
    ),
  ),
  recipients: column.json(
    z.array(
      z.object({
        userId: z.string(),
        preferences: z
          .object({
            phone: z.string().nullable(),
            phoneVerifiedAt: column.timestamp.nullable(),
            optedOutAt: column.timestamp.nullable(),
            taskReminders: z.boolean(),
            dailyBrief: z.boolean(),
            urgentAlerts: z.boolean(),
            quietHoursEnabled: z.boolean(),
            quietHoursStart: z.string(),
            quietHoursEnd: z.string(),
            timeZone: z.string(),
          })
          .nullable(),
      }),
    ),
  ),
  existing: column.json(z.array(z.object({ dedupeKey: z.string(), id: z.uuid(), status: z.string() }))),
});

/**
 * Everything a batch needs in one round trip: each template's current version, each user's
 * number and opt-out, and the messages that already hold any of the dedupe keys.
 */
async function loadRequestContext(db: DbOrTx, inputs: ParsedRequest[]): Promise<RequestContext> {
  const keys = JSON.stringify([...new Set(inputs.map((i) => i.templateKey))]);
  const userIds = JSON.stringify([...new Set(inputs.map((i) => i.userId))]);
  const dedupeKeys = JSON.stringify(inputs.flatMap((i) => (i.dedupeKey ? [i.dedupeKey] : [])));
  const [parsed] = await queryRows(
    db,
    sql`
    select
      (select coalesce(json_agg(json_build_object(
          'key', t.key, 'id', t.id, 'category', t.category, 'active', t.active, 'versionId', v.id, 'body', v.body)), '[]')
       from sms_templates t
       join sms_template_versions v on v.template_id = t.id and v.version = t.current_version
       where t.key in (select jsonb_array_elements_text(${keys}::text::jsonb))) as templates,
      (select coalesce(json_agg(json_build_object('userId', u.id, 'preferences', case when p.user_id is null then null else
          json_build_object('phone', p.phone, 'phoneVerifiedAt', p.phone_verified_at, 'optedOutAt', p.opted_out_at,
            'taskReminders', p.task_reminders, 'dailyBrief', p.daily_brief, 'urgentAlerts', p.urgent_alerts,
            'quietHoursEnabled', p.quiet_hours_enabled, 'quietHoursStart', p.quiet_hours_start,
            'quietHoursEnd', p.quiet_hours_end, 'timeZone', p.time_zone) end)), '[]')
       from users u
       left join user_sms_preferences p on p.user_id = u.id
       where u.id in (select jsonb_array_elements_text(${userIds}::text::jsonb))) as recipients,
      (select coalesce(json_agg(json_build_object('dedupeKey', m.dedupe_key, 'id', m.id, 'status', m.status)), '[]')
       from sms_messages m
       where m.dedupe_key in (select jsonb_array_elements_text(${dedupeKeys}::text::jsonb))) as existing`,
    loadedRow,
  );
  if (!parsed) throw new Error("the request context query returned no row");
  return {
    templates: new Map(parsed.templates.map((t) => [t.key, t])),
    recipients: new Map(parsed.recipients.map((r) => [r.userId, r])),
    existing: new Map(parsed.existing.map((m) => [m.dedupeKey, { id: m.id, status: m.status as SmsStatus }])),
  };
}

/**
 * One statement for the whole batch: the messages and their first event. A dedupe key that
 * exists (or repeats within the batch) inserts nothing. Returns the ids inserted.
 */
async function insertMessages(ctx: ServiceContext, rows: MessageRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await queryRows(
    ctx.db,
    sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as i(
        id uuid, user_id text, "to" text, body text, template_id uuid, template_version_id uuid, template_vars jsonb,
        category sms_category, priority sms_priority, status sms_status, skip_reason sms_skip_reason, fail_reason text,
        scheduled_for timestamptz, valid_until timestamptz, segments int, encoding text, dedupe_key text,
        phone_verified_at timestamptz, task_id uuid, task_due_at timestamptz, reply_ref int, created_at timestamptz)
    ),
    inserted as (
      insert into sms_messages (
        id, user_id, "to", body, template_id, template_version_id, template_vars, category, priority, status,
        skip_reason, fail_reason, scheduled_for, valid_until, segments, encoding, dedupe_key, phone_verified_at,
        task_id, task_due_at, reply_ref, created_at, updated_at)
      select id, user_id, "to", body, template_id, template_version_id, template_vars, category, priority, status,
        skip_reason, fail_reason, scheduled_for, valid_until, segments, encoding, dedupe_key, phone_verified_at,
        task_id, task_due_at, reply_ref, created_at, created_at
      from input
      on conflict (dedupe_key) do nothing
      returning id, status, skip_reason, created_at
    ),
    events as (
      insert into sms_message_events (message_id, status, source, applied, payload, created_at)
      select id, status::text, ${eventSourceOf(ctx.actor)}::sms_event_source, true,
        case when skip_reason is null then null else jsonb_build_object('skipReason', skip_reason) end, created_at
      from inserted
    )
    select id from inserted`,
    z.object({ id: z.string() }),
  );
  return inserted.map((row) => row.id);
}

/**
 * One event per pending message, id = message id, in as few sends as the engine allows (it
 * drops a repeat). The rows are committed already (or will be, inside an after-commit sender),
 * so an engine that cannot be reached does not fail the request: recover-stranded starts them.
 */
async function startSendRuns(ctx: ServiceContext, rows: MessageRow[]) {
  const pending = rows.filter((row) => row.status === "pending");
  for (let i = 0; i < pending.length; i += EVENTS_PER_SEND) {
    const events = pending.slice(i, i + EVENTS_PER_SEND).map((row) => sendSmsJob.event({ messageId: row.id, priority: row.priority }, { id: row.id }));
    await sendCommitted(ctx.jobs, events);
  }
}
