import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { adminAuditLog, smsMessageEvents, smsMessages } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";
import { ensureTemplate } from "@/server/templates/service";
import { logger } from "@/server/logger";
import { RECONCILE_POLICY } from "@/server/sms/reconcile/policy";
import { recoverStrandedPage } from "@/server/sms/reconcile/stranded";
import { createMessage, createUser } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { createVerifiedUser, sandboxProvider } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the call to fail");
}

const reminderVars = { task_name: "Pour footings", due_time: "at 3pm", task_context: "Site B" };

describe.each(testDatabases())("admin message actions on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let admin: SessionUser;
  let jobs: ReturnType<typeof recordingJobs>;
  let reminderId: string;
  let dana: { id: string };
  const asAdmin = () => callerFor(handle.db, admin, jobs);
  const messageRow = async (id: string) => (await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id)))[0]!;
  const auditOf = (id: string) => handle.db.select().from(adminAuditLog).where(eq(adminAuditLog.targetId, id));
  const eventsOf = (id: string) => handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, id)).orderBy(smsMessageEvents.id);

  beforeAll(async () => {
    handle = await database.open();
    const root = await createUser(handle.db, { name: "Root", role: "admin" });
    admin = { id: root.id, email: root.email, name: root.name, role: "admin" };
    for (const seed of DEFAULT_TEMPLATES) await ensureTemplate(handle.db, seed);
    reminderId = (await handle.db.query.smsTemplates.findMany()).find((t) => t.key === "task_reminder")!.id;
    dana = await createVerifiedUser(handle.db, "+15555550301");
  });
  afterAll(() => handle?.drop());

  describe("test send", () => {
    it("requests a text through the pipeline, records message.test_send, and starts its run after the commit", async () => {
      jobs = recordingJobs();
      const result = await asAdmin().admin.messages.testSend({ userId: dana.id, templateKey: "task_reminder", variables: reminderVars });
      expect(result).toMatchObject({ status: "pending", created: true });
      const row = await messageRow(result.messageId);
      expect(row).toMatchObject({ userId: dana.id, to: "+15555550301", body: "BuildOS: Pour footings is due at 3pm. Site B Reply DONE or SNOOZE." });
      expect(row.dedupeKey).toMatch(/^test:/);
      expect(await auditOf(result.messageId)).toEqual([
        expect.objectContaining({ action: "message.test_send", actorUserId: admin.id, details: { templateKey: "task_reminder", scheduledFor: null } }),
      ]);
      expect(jobs.sent).toEqual([expect.objectContaining({ name: "sms/message.requested", id: result.messageId, data: { messageId: result.messageId, priority: "normal" } })]);
    });

    it("answers with the text while the engine is down (the text and its audit are committed); recovery starts its run", async () => {
      jobs = recordingJobs();
      const down = { sent: [], async send() { throw new Error("connect ECONNREFUSED 127.0.0.1:8288"); } };
      const result = await callerFor(handle.db, admin, down).admin.messages.testSend({ userId: dana.id, templateKey: "task_reminder", variables: reminderVars });
      expect(result).toMatchObject({ status: "pending", created: true });
      expect(await auditOf(result.messageId)).toEqual([expect.objectContaining({ action: "message.test_send" })]);
      const later = new Date(Date.now() + RECONCILE_POLICY.strandedAfterMs + 60_000);
      const page = await recoverStrandedPage(
        { db: handle.db, actor: { type: "system", reason: "test" }, jobs, provider: sandboxProvider(), log: logger },
        { now: later, limit: 1_000 },
      );
      expect(page.restart.map((r) => r.messageId)).toContain(result.messageId);
    });

    it("keeps a scheduled time, and shows a skip with its reason for a user who cannot be texted", async () => {
      jobs = recordingJobs();
      const later = new Date(Date.now() + 3_600_000);
      const scheduled = await asAdmin().admin.messages.testSend({ userId: dana.id, templateKey: "task_reminder", variables: reminderVars, scheduledFor: later });
      expect((await messageRow(scheduled.messageId)).scheduledFor).toEqual(later);
      const nobody = await createUser(handle.db);
      const skipped = await asAdmin().admin.messages.testSend({ userId: nobody.id, templateKey: "task_reminder", variables: reminderVars });
      expect(skipped.status).toBe("skipped");
      expect(await messageRow(skipped.messageId)).toMatchObject({ status: "skipped", skipReason: "unverified" });
      expect(jobs.sent.map((e) => e.id)).toEqual([scheduled.messageId]);
    });

    it("refuses a missing variable or an unknown template with a 400, creating and recording nothing", async () => {
      jobs = recordingJobs();
      const before = (await handle.db.select().from(smsMessages)).length;
      const auditBefore = (await handle.db.select().from(adminAuditLog)).length;
      expect(await errorOf(asAdmin().admin.messages.testSend({ userId: dana.id, templateKey: "task_reminder", variables: { task_name: "x" } }))).toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringContaining('"due_time"'),
      });
      expect(await errorOf(asAdmin().admin.messages.testSend({ userId: dana.id, templateKey: "no_such_template", variables: {} }))).toMatchObject({
        code: "BAD_REQUEST",
      });
      expect((await handle.db.select().from(smsMessages)).length).toBe(before);
      expect((await handle.db.select().from(adminAuditLog)).length).toBe(auditBefore);
      expect(jobs.sent).toEqual([]);
    });
  });

  describe("cancel", () => {
    it("cancels a pending text with an admin event and an audit entry, and stops its run", async () => {
      jobs = recordingJobs();
      const { id } = await createMessage(handle.db, dana.id, { status: "pending" });
      expect(await asAdmin().admin.messages.cancel({ id })).toMatchObject({ status: "cancelled", changed: true });
      expect((await messageRow(id)).status).toBe("cancelled");
      expect((await eventsOf(id)).map((e) => [e.status, e.source])).toEqual([["cancelled", "admin"]]);
      expect(await auditOf(id)).toEqual([expect.objectContaining({ action: "message.cancel", actorUserId: admin.id })]);
      expect(jobs.sent).toEqual([expect.objectContaining({ name: "sms/message.cancelled", data: { messageId: id } })]);

      expect(await asAdmin().admin.messages.cancel({ id })).toMatchObject({ changed: false });
      expect(await auditOf(id)).toHaveLength(1);
    });

    it("refuses a text that already went (CONFLICT) and an unknown one (NOT_FOUND), changing nothing", async () => {
      jobs = recordingJobs();
      const { id } = await createMessage(handle.db, dana.id, { status: "delivered" });
      expect(await errorOf(asAdmin().admin.messages.cancel({ id }))).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("delivered") });
      expect((await messageRow(id)).status).toBe("delivered");
      expect(await auditOf(id)).toEqual([]);
      expect(await errorOf(asAdmin().admin.messages.cancel({ id: "00000000-0000-4000-8000-000000000000" }))).toMatchObject({ code: "NOT_FOUND" });
      expect(jobs.sent).toEqual([]);
    });
  });

  describe("retry", () => {
    it("makes a new text linked to the failed one, with the dedupe key retry:<id>:1, and records message.retry", async () => {
      jobs = recordingJobs();
      const failed = await createMessage(handle.db, dana.id, {
        status: "failed",
        errorCode: 30003,
        templateId: reminderId,
        templateVars: reminderVars,
        priority: "high",
      });
      const result = await asAdmin().admin.messages.retry({ id: failed.id });
      expect(result).toMatchObject({ status: "pending", created: true });
      const retry = await messageRow(result.messageId);
      expect(retry).toMatchObject({
        retryOfId: failed.id,
        dedupeKey: `retry:${failed.id}:1`,
        priority: "high",
        body: "BuildOS: Pour footings is due at 3pm. Site B Reply DONE or SNOOZE.",
        status: "pending",
      });
      expect(await auditOf(failed.id)).toEqual([
        expect.objectContaining({ action: "message.retry", details: { retryId: result.messageId, attempt: 1 } }),
      ]);
      expect(jobs.sent).toEqual([expect.objectContaining({ name: "sms/message.requested", id: result.messageId })]);
      const detail = await asAdmin().admin.messages.get({ id: failed.id });
      expect(detail.retries.map((r) => r.id)).toEqual([result.messageId]);

      // A second click while the retry is on its way sends nothing more.
      jobs = recordingJobs();
      expect(await errorOf(asAdmin().admin.messages.retry({ id: failed.id }))).toMatchObject({
        code: "CONFLICT",
        message: "This text was already retried; the retry is pending",
      });
      expect(jobs.sent).toEqual([]);

      // Once that retry failed too, another may go: attempt 2.
      await handle.db.update(smsMessages).set({ status: "undelivered" }).where(eq(smsMessages.id, result.messageId));
      const second = await asAdmin().admin.messages.retry({ id: failed.id });
      expect((await messageRow(second.messageId)).dedupeKey).toBe(`retry:${failed.id}:2`);
    });

    it("refuses texts that did not fail (CONFLICT) and unknown ones (NOT_FOUND)", async () => {
      jobs = recordingJobs();
      for (const status of ["delivered", "pending", "skipped", "cancelled"] as const) {
        const { id } = await createMessage(handle.db, dana.id, { status, templateId: reminderId, templateVars: reminderVars });
        expect(await errorOf(asAdmin().admin.messages.retry({ id }))).toMatchObject({ code: "CONFLICT" });
        expect(await auditOf(id)).toEqual([]);
      }
      expect(await errorOf(asAdmin().admin.messages.retry({ id: "00000000-0000-4000-8000-000000000000" }))).toMatchObject({ code: "NOT_FOUND" });
      expect(jobs.sent).toEqual([]);
    });

    it("says what the detail view may offer for each status", async () => {
      const undelivered = await createMessage(handle.db, dana.id, { status: "undelivered" });
      const queued = await createMessage(handle.db, dana.id, { status: "queued" });
      expect((await asAdmin().admin.messages.get({ id: undelivered.id })).actions).toEqual({ cancel: false, retry: true });
      expect((await asAdmin().admin.messages.get({ id: queued.id })).actions).toEqual({ cancel: true, retry: false });
    });
  });
});
