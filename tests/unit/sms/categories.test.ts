import { describe, expect, it } from "vitest";
import { celEvaluate } from "@/local/inngest-executor/cel";
import {
  PRIORITY_QUEUE_SECONDS,
  priorityRunExpression,
  validityPeriodSeconds,
  VALIDITY_PERIOD_MAX_SECONDS,
} from "@/server/sms/categories";
import { SEND_RETRY_DELAYS_MS, sendRetryDelayMs } from "@/server/sms/retry-schedule";
import { smsMaxPerSecond } from "@/server/sms/throughput";

describe("engine priority", () => {
  it("the registered priority.run expression gives each priority its queue offset (urgent first, low last)", () => {
    const offsets = (["urgent", "high", "normal", "low"] as const).map((priority) =>
      celEvaluate(priorityRunExpression(), { event: { data: { messageId: "m", priority } } }),
    );
    expect(offsets).toEqual([600, 300, 0, -300]);
    expect(offsets).toEqual(Object.values(PRIORITY_QUEUE_SECONDS));
    // An event without a priority (an older sender) queues as normal.
    expect(celEvaluate(priorityRunExpression(), { event: { data: { messageId: "m" } } }) ?? 0).toBe(0);
  });
});

describe("validity period", () => {
  const now = new Date("2026-03-02T15:00:00Z");

  it("is the category default when the text has no deadline", () => {
    expect(validityPeriodSeconds("task_reminders", null, now)).toBe(7_200);
    expect(validityPeriodSeconds("account", null, now)).toBe(VALIDITY_PERIOD_MAX_SECONDS);
  });

  it("ends at the deadline when that comes first (a reminder's task is due in 10 minutes)", () => {
    expect(validityPeriodSeconds("task_reminders", new Date(now.getTime() + 600_000), now)).toBe(600);
  });

  it("is null (do not send) when less than Twilio's one-second minimum is left", () => {
    expect(validityPeriodSeconds("task_reminders", new Date(now.getTime() + 999), now)).toBeNull();
    expect(validityPeriodSeconds("urgent_alerts", now, now)).toBeNull();
  });
});

describe("send retries", () => {
  it("span about an hour, and Twilio's Retry-After wins when given", () => {
    const total = SEND_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(55 * 60_000);
    expect(total).toBeLessThanOrEqual(70 * 60_000);
    expect(sendRetryDelayMs(0, undefined)).toBe(10_000);
    expect(sendRetryDelayMs(99, undefined)).toBe(900_000);
    expect(sendRetryDelayMs(5, 7_000)).toBe(7_000);
  });
});

describe("throughput cap", () => {
  it("defaults by sender type and can be set outright", () => {
    expect(smsMaxPerSecond({ SMS_SENDER_TYPE: "long_code", SMS_MAX_PER_SECOND: undefined })).toBe(1);
    expect(smsMaxPerSecond({ SMS_SENDER_TYPE: "toll_free", SMS_MAX_PER_SECOND: undefined })).toBe(3);
    expect(smsMaxPerSecond({ SMS_SENDER_TYPE: "short_code", SMS_MAX_PER_SECOND: undefined })).toBe(100);
    expect(smsMaxPerSecond({ SMS_SENDER_TYPE: "long_code", SMS_MAX_PER_SECOND: 50 })).toBe(50);
  });
});
