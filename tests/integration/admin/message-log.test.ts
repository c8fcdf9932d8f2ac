import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { adminAuditLog, smsMessageEvents, smsMessages } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";
import { ensureTemplate } from "@/server/templates/service";
import { createMessage, createUser } from "../../helpers/factories";
import { everyPage } from "../../helpers/pages";
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

const at = (iso: string) => new Date(iso);

/**
 * Ten messages with known statuses, categories, recipients and times (two pairs share a
 * created_at, so the keyset must break ties by id). Every filter's answer is listed by hand.
 */
describe.each(testDatabases())("admin message log on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let admin: SessionUser;
  const asAdmin = () => callerFor(handle.db, admin);
  let aliceEmail: string;
  let reminderId: string;
  let briefId: string;
  /** Label → message id. */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    handle = await database.open();
    const root = await createUser(handle.db, { name: "Root", role: "admin" });
    admin = { id: root.id, email: root.email, name: root.name, role: "admin" };
    const alice = await createUser(handle.db, { email: `Alice-${Date.now()}@Example.test` });
    aliceEmail = alice.email;
    const bob = await createUser(handle.db);
    for (const seed of DEFAULT_TEMPLATES) await ensureTemplate(handle.db, seed);
    const templates = await handle.db.query.smsTemplates.findMany();
    reminderId = templates.find((t) => t.key === "task_reminder")!.id;
    briefId = templates.find((t) => t.key === "daily_brief_ready")!.id;

    const rows: [string, string, Partial<typeof smsMessages.$inferInsert>][] = [
      ["a1", alice.id, { createdAt: at("2026-03-01T10:00:00Z"), status: "delivered", templateId: reminderId, to: "+15555550101" }],
      ["a2", alice.id, { createdAt: at("2026-03-02T10:00:00Z"), status: "failed", errorCode: 30003, templateId: reminderId, to: "+15555550101" }],
      ["b1", bob.id, { createdAt: at("2026-03-02T10:00:00Z"), status: "delivered", templateId: briefId, category: "daily_brief", to: "+15555550102" }],
      ["b2", bob.id, { createdAt: at("2026-03-03T10:00:00Z"), status: "skipped", skipReason: "opted_out", templateId: briefId, category: "daily_brief", to: "+15555550102" }],
      ["a3", alice.id, { createdAt: at("2026-03-04T10:00:00Z"), status: "queued", templateId: reminderId, to: "+15555550101" }],
      ["a4", alice.id, { createdAt: at("2026-03-04T10:00:00Z"), status: "delivered", templateId: briefId, category: "daily_brief", to: "+15555550101" }],
      ["b3", bob.id, { createdAt: at("2026-03-05T10:00:00Z"), status: "undelivered", errorCode: 30007, templateId: reminderId, to: "+15555550102" }],
      ["a5", alice.id, { createdAt: at("2026-03-06T10:00:00Z"), status: "delivered", category: "account", to: "+15555550101" }],
      ["b4", bob.id, { createdAt: at("2026-03-07T10:00:00Z"), status: "skipped", skipReason: "unverified", templateId: reminderId, to: null }],
      ["a6", alice.id, { createdAt: at("2026-03-08T10:00:00Z"), status: "cancelled", templateId: reminderId, to: "+15555550101" }],
    ];
    for (const [label, userId, overrides] of rows) ids[label] = (await createMessage(handle.db, userId, overrides)).id;
  });
  afterAll(() => handle?.drop());

  /** Every page of a query, walked with the keyset cursor. */
  async function walk(query: Record<string, unknown>, limit: number) {
    const pages = await everyPage(asAdmin().admin.messages.list, { ...query, limit }, 20);
    return pages.flat().map((m) => m.id);
  }

  /** Newest first; a tie on created_at goes by id, descending. */
  function newestFirst(labels: string[]) {
    const created = new Map<string, number>([
      ["a1", 1], ["a2", 2], ["b1", 2], ["b2", 3], ["a3", 4], ["a4", 4], ["b3", 5], ["a5", 6], ["b4", 7], ["a6", 8],
    ]);
    return [...labels]
      .sort((x, y) => created.get(y)! - created.get(x)! || (ids[y]! < ids[x]! ? -1 : 1))
      .map((l) => ids[l]);
  }

  it("lists every message newest first, and pages of 3 walk them once each, ties included", async () => {
    const all = newestFirst(Object.keys(ids));
    const first = await asAdmin().admin.messages.list({});
    expect(first.items.map((m) => m.id)).toEqual(all);
    expect(first.nextCursor).toBeNull();
    expect(await walk({}, 3)).toEqual(all);
    expect(await walk({}, 1)).toEqual(all);
    // As the page's infinite query sends it (tRPC adds the cursor and the direction).
    expect((await asAdmin().admin.messages.list({ cursor: null, direction: "forward", limit: 2 })).items.map((m) => m.id)).toEqual(all.slice(0, 2));
  });

  it("filters by status, template and category", async () => {
    expect(await walk({ status: "delivered" }, 2)).toEqual(newestFirst(["a1", "b1", "a4", "a5"]));
    expect(await walk({ templateId: briefId }, 2)).toEqual(newestFirst(["b1", "b2", "a4"]));
    expect(await walk({ category: "daily_brief" }, 10)).toEqual(newestFirst(["b1", "b2", "a4"]));
    expect(await walk({ status: "delivered", category: "task_reminders" }, 10)).toEqual(newestFirst(["a1"]));
  });

  it("filters by recipient: part of an email in any case, a phone number in any common form, or some of its digits", async () => {
    const alice = newestFirst(["a1", "a2", "a3", "a4", "a5", "a6"]);
    expect(await walk({ recipient: aliceEmail.toUpperCase() }, 4)).toEqual(alice);
    expect(await walk({ recipient: aliceEmail.slice(0, 8).toLowerCase() }, 4)).toEqual(alice);
    // The last four digits, as an admin reads them off a phone.
    expect(await walk({ recipient: "0102" }, 10)).toEqual(newestFirst(["b1", "b2", "b3"]));
    expect(await walk({ recipient: "+15555550101" }, 4)).toEqual(alice);
    expect(await walk({ recipient: "(555) 555-0102" }, 10)).toEqual(newestFirst(["b1", "b2", "b3"]));
    expect(await asAdmin().admin.messages.list({ recipient: "nobody@example.test" })).toEqual({ items: [], nextCursor: null });
    // `%` is a character to find, not a wildcard.
    expect(await asAdmin().admin.messages.list({ recipient: "%" })).toEqual({ items: [], nextCursor: null });
    expect(await errorOf(asAdmin().admin.messages.list({ recipient: "12" }))).toMatchObject({
      code: "BAD_REQUEST",
      message: "Search by part of an email address, a phone number, or at least 3 of its digits",
    });
  });

  it("refuses a reversed date range as a mistake in its last day", async () => {
    const reversed = asAdmin().admin.messages.list({ from: at("2026-03-05T00:00:00Z"), to: at("2026-03-02T00:00:00Z") });
    await expect(reversed).rejects.toSatisfy((error) => error instanceof TRPCError && error.code === "BAD_REQUEST");
    const shape = await reversed.catch((error: TRPCError) => error.cause);
    expect(JSON.stringify(shape)).toContain("The last day is before the first day");
  });

  it("filters by a date range [from, to)", async () => {
    const range = { from: at("2026-03-02T10:00:00Z"), to: at("2026-03-05T10:00:00Z") };
    expect(await walk(range, 2)).toEqual(newestFirst(["a2", "b1", "b2", "a3", "a4"]));
    expect(await walk({ ...range, status: "delivered" }, 2)).toEqual(newestFirst(["b1", "a4"]));
  });

  it("shows what a row needs: recipient, template, status with its reason", async () => {
    const { items } = await asAdmin().admin.messages.list({ status: "skipped" });
    expect(items.find((m) => m.id === ids.b2)).toMatchObject({ skipReason: "opted_out", templateKey: "daily_brief_ready", to: "+15555550102" });
    expect(items.find((m) => m.id === ids.b4)).toMatchObject({ skipReason: "unverified", to: null });
  });

  it("refuses bad filters with a 400, not a 500", async () => {
    expect(await errorOf(asAdmin().admin.messages.list({ status: "lost" as never }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await errorOf(asAdmin().admin.messages.list({ templateId: "abc" }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await errorOf(asAdmin().admin.messages.list({ limit: 1000 }))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await errorOf(asAdmin().admin.messages.list({ userId: "x" } as never))).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("opens one message with its version, events in order with their source, audit entries and the error in words", async () => {
    const id = ids.a2!;
    await handle.db.insert(smsMessageEvents).values([
      { messageId: id, status: "pending", source: "api", createdAt: at("2026-03-02T10:00:00Z") },
      { messageId: id, status: "queued", source: "system", createdAt: at("2026-03-02T10:00:01Z") },
      { messageId: id, status: "sent", source: "callback", createdAt: at("2026-03-02T10:00:03Z") },
      { messageId: id, status: "failed", source: "callback", errorCode: 30003, createdAt: at("2026-03-02T10:00:09Z") },
      { messageId: id, status: "delivered", source: "callback", applied: false, createdAt: at("2026-03-02T10:00:10Z") },
    ]);
    await handle.db.insert(adminAuditLog).values({ actorUserId: admin.id, action: "message.retry", targetType: "message", targetId: id, details: { n: 1 } });
    const retry = await createMessage(handle.db, admin.id, { retryOfId: id, createdAt: at("2026-03-09T10:00:00Z") });

    const detail = await asAdmin().admin.messages.get({ id });
    expect(detail).toMatchObject({ id, status: "failed", errorCode: 30003, template: { key: "task_reminder", version: null } });
    expect(detail.errorMeaning).toMatch(/switched off or out of coverage/);
    expect(detail.events.map((e) => [e.status, e.source, e.applied])).toEqual([
      ["pending", "api", true],
      ["queued", "system", true],
      ["sent", "callback", true],
      ["failed", "callback", true],
      ["delivered", "callback", false],
    ]);
    expect(detail.audit).toEqual([expect.objectContaining({ action: "message.retry", by: admin.email, details: { n: 1 } })]);
    expect(detail.retries).toEqual([expect.objectContaining({ id: retry.id })]);
    expect(detail.retryOf).toBeNull();
    expect((await asAdmin().admin.messages.get({ id: retry.id })).retryOf).toMatchObject({ id, status: "failed" });
  });

  it("answers NOT_FOUND for an unknown message and BAD_REQUEST for a malformed id", async () => {
    expect(await errorOf(asAdmin().admin.messages.get({ id: "00000000-0000-4000-8000-000000000000" }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await errorOf(asAdmin().admin.messages.get({ id: "nope" }))).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("pages through texts created in one statement, as a cron's batch is, without skipping any", async () => {
    const user = await createUser(handle.db);
    const to = "+15555550199";
    // One multi-row insert, as requestSmsBatch makes: every row gets the statement's now(), to the microsecond.
    const batch = await handle.db
      .insert(smsMessages)
      .values(Array.from({ length: 4 }, (_, i) => ({ userId: user.id, to, body: `batch ${i}`, category: "daily_brief" as const, dedupeKey: `batch-log:${Date.now()}:${i}` })))
      .returning({ id: smsMessages.id, createdAt: smsMessages.createdAt });
    expect(new Set(batch.map((m) => m.createdAt.getTime())).size).toBe(1);
    const newestFirst = batch.map((m) => m.id).sort().reverse();
    expect(await walk({ recipient: to }, 1)).toEqual(newestFirst);
    expect(await walk({ recipient: to }, 3)).toEqual(newestFirst);
  });
});
