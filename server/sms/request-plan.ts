import { randomUUID } from "node:crypto";
import type { smsCategory, smsSkipReason } from "@/db/schema";
import { SYSTEM_VARIABLE_DEFAULTS } from "@/common/reply-words";
import { DomainError } from "../errors";
import { bodyCharacters, MAX_BODY_CHARACTERS, renderTemplate, segmentInfo, templateVariables, variableValue } from "../templates/render";
import { CATEGORY_DEFAULTS, type SmsCategory, type SmsPriority } from "./categories";
import { decideSend, type DecisionInput } from "./send-decision";
import type { SmsStatus } from "./status-rank";

type SkipReason = (typeof smsSkipReason.enumValues)[number];

/** What any server code asks for: a template, its variables, and optionally when and how urgently. */
export interface SmsRequest {
  userId: string;
  templateKey: string;
  variables: Record<string, string>;
  /** Default: the template category's (see CATEGORY_DEFAULTS). */
  priority?: SmsPriority;
  /** Not before this moment (the user's quiet hours may push it later). */
  scheduledFor?: Date;
  /** A repeat of the key returns the first message and creates nothing. Default: none (always new). */
  dedupeKey?: string;
  /** Never sent after this moment (a reminder: when its task is due); also bounds Twilio's ValidityPeriod. */
  validUntil?: Date;
  /**
   * A task reminder: its task and the due time it was made for (cancelled if the task is
   * completed, deleted or moved before it leaves: server/reminders/stale.ts), and the reference
   * number its text carries when its user has other reminders open ("Reply DONE 2").
   */
  reminder?: { taskId: string; taskDueAt: Date | null; replyRef: number };
}

/** A template's current version, as the request reads it. */
export interface RequestTemplate {
  key: string;
  id: string;
  category: (typeof smsCategory.enumValues)[number];
  active: boolean;
  versionId: string;
  body: string;
}

/** The user as the request reads them: their preferences row, or null when they never set any. */
export interface RequestRecipient {
  userId: string;
  preferences: DecisionInput["preferences"];
}

/** What a batch of requests was checked against, loaded in one round trip. */
export interface RequestContext {
  templates: Map<string, RequestTemplate>;
  recipients: Map<string, RequestRecipient>;
  existing: Map<string, { id: string; status: SmsStatus }>;
}

/** A row of sms_messages as the insert statement reads it. */
export interface MessageRow {
  id: string;
  user_id: string;
  to: string | null;
  body: string;
  template_id: string;
  template_version_id: string;
  template_vars: Record<string, string>;
  category: SmsCategory;
  priority: SmsPriority;
  status: "pending" | "skipped";
  skip_reason: SkipReason | null;
  fail_reason: string | null;
  scheduled_for: string | null;
  valid_until: string | null;
  segments: number;
  encoding: "GSM-7" | "UCS-2";
  dedupe_key: string;
  phone_verified_at: string | null;
  task_id: string | null;
  task_due_at: string | null;
  reply_ref: number | null;
  created_at: string;
}

export type Planned = { row: MessageRow } | { error: DomainError; invalidVars?: MessageRow };

/**
 * Renders and checks one request against what was loaded; pure. The body comes from the
 * template's current version (recorded on the row); every variable it names must be given (a
 * missing one is an error naming it, never an empty string); at most 1,600 characters. Segments
 * and encoding are computed here, because Twilio answers num_segments "0" through a Messaging
 * Service. A request the send decision would skip now (no verified number, opted out, category
 * or template switched off) or whose deadline has passed becomes a skipped row, not an error.
 */
export function planMessage(input: SmsRequest, loaded: RequestContext, now: Date): Planned {
  const template = loaded.templates.get(input.templateKey);
  if (!template) {
    return { error: new DomainError("BAD_REQUEST", `Unknown template "${input.templateKey}"`, { field: "templateKey" }) };
  }
  const recipient = loaded.recipients.get(input.userId);
  if (!recipient) return { error: new DomainError("NOT_FOUND", `User ${input.userId} not found`, { field: "userId" }) };

  const id = randomUUID();
  // Variables the app fills itself (a reminder's reply hint) take their default when not given.
  const given = { ...input.variables };
  for (const [name, value] of Object.entries(SYSTEM_VARIABLE_DEFAULTS)) if (!variableValue(given, name)?.trim()) given[name] = value;
  const vars = Object.fromEntries(
    templateVariables(template.body).flatMap((name) => {
      const value = variableValue(given, name);
      return value !== undefined ? [[name, value]] : [];
    }),
  );
  const prefs = recipient.preferences;
  const phone = prefs?.phone && prefs.phoneVerifiedAt ? { to: prefs.phone, verifiedAt: prefs.phoneVerifiedAt } : null;
  const priority = input.priority ?? CATEGORY_DEFAULTS[template.category].priority;
  const base = {
    id,
    user_id: input.userId,
    to: phone?.to ?? null,
    template_id: template.id,
    template_version_id: template.versionId,
    template_vars: vars,
    category: template.category,
    priority,
    fail_reason: null,
    scheduled_for: input.scheduledFor?.toISOString() ?? null,
    valid_until: input.validUntil?.toISOString() ?? null,
    dedupe_key: input.dedupeKey ?? `message:${id}`,
    phone_verified_at: phone?.verifiedAt.toISOString() ?? null,
    task_id: input.reminder?.taskId ?? null,
    task_due_at: input.reminder?.taskDueAt?.toISOString() ?? null,
    reply_ref: input.reminder?.replyRef ?? null,
    created_at: now.toISOString(),
  } satisfies Partial<MessageRow>;

  const rendered = renderTemplate(template.body, given);
  const problem = !rendered.ok
    ? `Missing template variable${rendered.missing.length > 1 ? "s" : ""} ` +
      `${rendered.missing.map((name) => `"${name}"`).join(", ")} for template "${template.key}"`
    : bodyCharacters(rendered.body) > MAX_BODY_CHARACTERS
      ? `The text would be ${bodyCharacters(rendered.body)} characters; at most ${MAX_BODY_CHARACTERS} can be sent`
      : null;
  if (!rendered.ok || problem) {
    const field = !rendered.ok ? `variables.${rendered.missing[0]}` : "variables";
    const info = segmentInfo(template.body);
    return {
      error: new DomainError("BAD_REQUEST", problem ?? "invalid variables", { field }),
      invalidVars: {
        ...base,
        body: template.body,
        status: "skipped",
        skip_reason: "invalid_vars",
        fail_reason: problem,
        segments: info.segments,
        encoding: info.encoding,
      },
    };
  }
  const info = segmentInfo(rendered.body);
  // The same decision the send function makes (one home, server/sms/send-decision.ts): a text
  // that would be skipped now is recorded skipped at once. Waits are the send function's.
  const decision = decideSend({
    now,
    message: {
      category: template.category,
      priority,
      to: phone?.to ?? "",
      scheduledFor: input.scheduledFor ?? null,
      phoneVerifiedAt: phone?.verifiedAt ?? null,
      templateActive: template.active,
    },
    preferences: prefs,
  });
  const skip: SkipReason | null =
    decision.action === "skip" ? decision.reason : input.validUntil && input.validUntil <= now ? "expired" : null;
  return {
    row: {
      ...base,
      body: rendered.body,
      status: skip ? "skipped" : "pending",
      skip_reason: skip,
      segments: info.segments,
      encoding: info.encoding,
    },
  };
}

