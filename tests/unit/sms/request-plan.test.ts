import { describe, expect, it } from "vitest";
import { DomainError } from "@/server/errors";
import { planMessage, type RequestContext, type RequestRecipient, type RequestTemplate } from "@/server/sms/request-plan";

const NOW = new Date("2026-03-02T15:00:00Z");
const VERIFIED_AT = new Date("2026-01-10T09:00:00Z");

function template(overrides: Partial<RequestTemplate> = {}): RequestTemplate {
  return {
    key: "task_reminder",
    id: "00000000-0000-4000-8000-000000000001",
    category: "task_reminders",
    active: true,
    versionId: "00000000-0000-4000-8000-000000000002",
    body: "BuildOS: {{task_name}} is due {{due_time}}.",
    ...overrides,
  };
}

type Preferences = NonNullable<RequestRecipient["preferences"]>;

function context(t: RequestTemplate = template(), preferences: Partial<Preferences> | null = {}): RequestContext {
  const prefs: Preferences | null = preferences && {
    phone: "+15555550100",
    phoneVerifiedAt: VERIFIED_AT,
    optedOutAt: null,
    taskReminders: true,
    dailyBrief: true,
    urgentAlerts: true,
    quietHoursEnabled: true,
    quietHoursStart: "21:00",
    quietHoursEnd: "08:00",
    timeZone: "America/New_York",
    ...preferences,
  };
  return {
    templates: new Map([[t.key, t]]),
    recipients: new Map([["u1", { userId: "u1", preferences: prefs }]]),
    existing: new Map(),
  };
}

const request = (variables: Record<string, string>, extra: object = {}) => ({
  userId: "u1",
  templateKey: "task_reminder",
  variables,
  ...extra,
});

function planned(result: ReturnType<typeof planMessage>) {
  if ("error" in result) throw result.error;
  return result.row;
}

describe("planning a requested text", () => {
  it("renders from the template's current version and records that version, the variables it uses and the verified number", () => {
    const row = planned(planMessage(request({ task_name: "Ship it", due_time: "at 5pm", unused: "x" }), context(), NOW));
    expect(row).toMatchObject({
      body: "BuildOS: Ship it is due at 5pm.",
      template_version_id: "00000000-0000-4000-8000-000000000002",
      template_vars: { task_name: "Ship it", due_time: "at 5pm" },
      to: "+15555550100",
      phone_verified_at: VERIFIED_AT.toISOString(),
      status: "pending",
      category: "task_reminders",
    });
  });

  it("names a missing variable in a clear error instead of rendering it empty", () => {
    const result = planMessage(request({ task_name: "Ship it" }), context(), NOW);
    expect("error" in result && result.error).toBeInstanceOf(DomainError);
    if (!("error" in result)) return;
    expect(result.error.code).toBe("BAD_REQUEST");
    expect(result.error.message).toBe('Missing template variable "due_time" for template "task_reminder"');
    expect(result.error.field).toBe("variables.due_time");
    // Batches record it instead, skipped with the same reason.
    expect(result.invalidVars).toMatchObject({ status: "skipped", skip_reason: "invalid_vars", fail_reason: result.error.message });
  });

  it("treats a blank variable as missing", () => {
    const result = planMessage(request({ task_name: "  ", due_time: "soon" }), context(), NOW);
    expect("error" in result && result.error.message).toMatch(/"task_name"/);
  });

  it("refuses a body over 1,600 characters, and accepts exactly 1,600", () => {
    const t = template({ body: "{{task_name}}{{due_time}}" });
    const over = planMessage(request({ task_name: "a".repeat(1_600), due_time: "b" }), context(t), NOW);
    expect("error" in over && over.error.message).toBe("The text would be 1601 characters; at most 1600 can be sent");
    const exact = planned(planMessage(request({ task_name: "a".repeat(1_599), due_time: "b" }), context(t), NOW));
    expect(exact.body).toHaveLength(1_600);
    expect(exact.segments).toBe(11); // GSM-7: 153 characters per segment when split
  });

  it("records segments and encoding computed from the rendered body (one non-GSM character makes it UCS-2)", () => {
    const gsm = planned(planMessage(request({ task_name: "Ship", due_time: "now" }), context(), NOW));
    expect(gsm).toMatchObject({ encoding: "GSM-7", segments: 1 });
    const ucs = planned(planMessage(request({ task_name: "Ship 🚢", due_time: "now" }), context(), NOW));
    expect(ucs).toMatchObject({ encoding: "UCS-2", segments: 1 });
    const long = planned(planMessage(request({ task_name: "é".repeat(50) + "✓".repeat(30), due_time: "now" }), context(), NOW));
    expect(long).toMatchObject({ encoding: "UCS-2", segments: 2 });
  });

  it("takes the priority from the template's category unless the caller gives one", () => {
    expect(planned(planMessage(request({ task_name: "a", due_time: "b" }), context(), NOW)).priority).toBe("normal");
    const urgent = template({ key: "urgent_task", category: "urgent_alerts", body: "{{task_name}}" });
    expect(planned(planMessage({ ...request({ task_name: "a" }), templateKey: "urgent_task" }, context(urgent), NOW)).priority).toBe("urgent");
    expect(planned(planMessage(request({ task_name: "a", due_time: "b" }, { priority: "low" }), context(), NOW)).priority).toBe("low");
  });

  it("records a text for a user without a verified number as skipped(unverified), with no recipient", () => {
    const vars = { task_name: "a", due_time: "b" };
    const row = planned(planMessage(request(vars), context(template(), { phoneVerifiedAt: null }), NOW));
    expect(row).toMatchObject({ status: "skipped", skip_reason: "unverified", to: null, phone_verified_at: null });
    const neverSet = planned(planMessage(request(vars), context(template(), null), NOW));
    expect(neverSet).toMatchObject({ status: "skipped", skip_reason: "unverified", to: null });
  });

  it("skips what the send decision would skip now (opted out, category off, template off) and deadlines already past", () => {
    const vars = { task_name: "a", due_time: "b" };
    expect(planned(planMessage(request(vars), context(template(), { optedOutAt: NOW }), NOW)).skip_reason).toBe("opted_out");
    expect(planned(planMessage(request(vars), context(template(), { taskReminders: false }), NOW)).skip_reason).toBe("category_off");
    expect(planned(planMessage(request(vars), context(template({ active: false })), NOW)).skip_reason).toBe("template_inactive");
    expect(planned(planMessage(request(vars, { validUntil: NOW }), context(), NOW)).skip_reason).toBe("expired");
  });

  it("refuses an unknown template or user", () => {
    const unknownTemplate = planMessage({ ...request({}), templateKey: "nope" }, context(), NOW);
    expect("error" in unknownTemplate && unknownTemplate.error.message).toBe('Unknown template "nope"');
    const unknownUser = planMessage({ ...request({}), userId: "u2" }, context(), NOW);
    expect("error" in unknownUser && unknownUser.error.code).toBe("NOT_FOUND");
  });
});
