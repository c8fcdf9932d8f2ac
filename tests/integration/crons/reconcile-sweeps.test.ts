import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import { createTwilioSandbox, type TwilioSandbox } from "@/local/twilio-sandbox";
import { SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN } from "../../helpers/sandbox-account";
import { logger } from "@/server/logger";
import type { ReconcileDeps } from "@/server/sms/reconcile/deps";
import { reconcileInFlightPage } from "@/server/sms/reconcile/in-flight";
import { RECONCILE_POLICY } from "@/server/sms/reconcile/policy";
import { fetchMissingPricesPage } from "@/server/sms/reconcile/prices";
import { recoverStrandedPage } from "@/server/sms/reconcile/stranded";
import { REQUEUED_EVENT, reconcileUnknownPage } from "@/server/sms/reconcile/unknown";
import { nextPhone, userWith } from "../../helpers/crons";
import { createMessage } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { sandboxProvider } from "../../helpers/sms";
import { testDatabases } from "../../helpers/test-db";

const MINUTE = 60_000;

/** The reconcile sweeps one page at a time, with time driven explicitly, against the sandbox. */
describe.each(testDatabases())("reconcile sweeps on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let sandbox: TwilioSandbox;
  let deps: ReconcileDeps;
  beforeAll(async () => {
    handle = await database.open();
    sandbox = createTwilioSandbox({ accountSid: SANDBOX_ACCOUNT_SID, authToken: SANDBOX_AUTH_TOKEN, port: 0, deliveryDelayMs: 10, log: () => {} });
    await sandbox.start();
    deps = { db: handle.db, actor: { type: "system", reason: "test" }, jobs: recordingJobs(), provider: sandboxProvider(sandbox.url), log: logger };
  });
  afterAll(async () => {
    await sandbox?.stop();
    await handle?.drop();
  });

  const messageOf = async (id: string) => (await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id)))[0]!;
  const eventsOf = (id: string) => handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, id));

  async function unknownMessage(claimedAt: Date, requeuedBefore = false) {
    const user = await userWith(handle.db);
    const message = await createMessage(handle.db, user.id, { status: "unknown", to: nextPhone(), updatedAt: claimedAt });
    await handle.db.insert(smsMessageEvents).values({ messageId: message.id, status: "sending", source: "system", createdAt: claimedAt });
    if (requeuedBefore) {
      await handle.db.insert(smsMessageEvents).values({ messageId: message.id, status: REQUEUED_EVENT, source: "reconcile", createdAt: claimedAt });
    }
    return message.id;
  }

  async function allUnknownPages(now: Date) {
    const counts: Record<string, number> = {};
    const requeued: string[] = [];
    let after = null;
    do {
      const page = await reconcileUnknownPage(deps, { now, after, limit: 2 });
      for (const [k, v] of Object.entries(page.counts)) counts[k] = (counts[k] ?? 0) + v;
      requeued.push(...page.requeued.map((r) => r.messageId));
      after = page.next;
    } while (after);
    return { counts, requeued };
  }

  it("waits out the first 15 minutes after the claim, then re-queues once; a second loss fails the text instead", async () => {
    const claimedAt = new Date();
    const fresh = await unknownMessage(claimedAt);
    const again = await unknownMessage(claimedAt, true);

    const early = await allUnknownPages(new Date(claimedAt.getTime() + RECONCILE_POLICY.requeueAfterMs - MINUTE));
    expect(early.requeued).toEqual([]);
    expect([(await messageOf(fresh)).status, (await messageOf(again)).status]).toEqual(["unknown", "unknown"]);

    const late = await allUnknownPages(new Date(claimedAt.getTime() + RECONCILE_POLICY.requeueAfterMs + MINUTE));
    expect(late.requeued).toEqual([fresh]);
    expect((await messageOf(fresh)).status).toBe("queued");
    expect((await eventsOf(fresh)).filter((e) => e.status === REQUEUED_EVENT)).toHaveLength(1);
    const failed = await messageOf(again);
    expect([failed.status, failed.failReason]).toEqual(["failed", "no record at Twilio after a re-queue; not sent again"]);
  });

  it("marks a claim left without a SID for too long unknown, so the unknown sweep looks it up", async () => {
    const user = await userWith(handle.db);
    const claimedAt = new Date();
    const { id } = await createMessage(handle.db, user.id, { status: "sending", to: nextPhone(), updatedAt: claimedAt });
    const before = await reconcileInFlightPage(deps, { now: new Date(claimedAt.getTime() + RECONCILE_POLICY.stuckAfterMs - MINUTE), after: null, limit: 100 });
    expect(before.counts.marked_unknown).toBe(0);
    const after = await reconcileInFlightPage(deps, { now: new Date(claimedAt.getTime() + RECONCILE_POLICY.stuckAfterMs + MINUTE), after: null, limit: 100 });
    expect(after.counts.marked_unknown).toBeGreaterThanOrEqual(1);
    expect((await messageOf(id)).status).toBe("unknown");
    expect((await eventsOf(id)).map((e) => [e.status, e.source])).toContainEqual(["unknown", "reconcile"]);
  });

  it("fetches a stuck text at most once per threshold, and leaves old ones alone", async () => {
    const user = await userWith(handle.db);
    // Held at Twilio (scheduled there), so each fetch says nothing new.
    const twilio = await sandboxProvider(sandbox.url).send({ to: nextPhone(), body: "held", sendAt: new Date(Date.now() + 20 * MINUTE) });
    const t0 = new Date();
    const { id } = await createMessage(handle.db, user.id, { status: "sending", to: twilio.to, twilioSid: twilio.sid, updatedAt: t0 });
    const old = await createMessage(handle.db, user.id, {
      status: "sent",
      to: twilio.to,
      twilioSid: `SM${"f".repeat(32)}`,
      updatedAt: new Date(t0.getTime() - RECONCILE_POLICY.giveUpAfterMs - MINUTE),
    });
    const page = (minutes: number) =>
      reconcileInFlightPage(deps, { now: new Date(t0.getTime() + minutes * MINUTE), after: null, limit: 100 });
    const stuck = RECONCILE_POLICY.stuckAfterMs / MINUTE;

    expect((await page(stuck + 1)).counts).toEqual({ applied: 0, unchanged: 1, marked_unknown: 0, fetch_error: 0 });
    expect((await messageOf(id)).reconciledAt?.getTime()).toBe(t0.getTime() + (stuck + 1) * MINUTE);
    expect((await page(stuck + 2)).counts.unchanged).toBe(0); // noted a minute ago
    expect((await page(2 * stuck + 2)).counts.unchanged).toBe(1); // another threshold on
    expect((await messageOf(id)).status).toBe("sending");
    expect((await messageOf(old.id)).reconciledAt).toBeNull(); // past giving up
  });

  it("asks for a missing price once, even when Twilio cannot give one", async () => {
    const user = await userWith(handle.db);
    const t0 = new Date();
    // A SID Twilio does not know: a permanent answer, so asking again would not help.
    const { id } = await createMessage(handle.db, user.id, { status: "delivered", to: nextPhone(), twilioSid: `SM${"e".repeat(32)}`, updatedAt: t0 });
    const early = await fetchMissingPricesPage(deps, { now: new Date(t0.getTime() + RECONCILE_POLICY.priceAfterMs - MINUTE), after: null, limit: 100 });
    expect(early.counts).toEqual({ priced: 0, no_price: 0, fetch_error: 0 });
    const now = new Date(t0.getTime() + RECONCILE_POLICY.priceAfterMs + MINUTE);
    expect((await fetchMissingPricesPage(deps, { now, after: null, limit: 100 })).counts).toEqual({ priced: 0, no_price: 1, fetch_error: 1 });
    expect((await messageOf(id)).priceFetchedAt?.getTime()).toBe(now.getTime());
    expect((await fetchMissingPricesPage(deps, { now, after: null, limit: 100 })).counts).toEqual({ priced: 0, no_price: 0, fetch_error: 0 });
  });

  it("starts again, with a fresh event id, a text whose send run was lost; a few times at most, then fails it with its reason", async () => {
    const user = await userWith(handle.db);
    const t0 = new Date();
    const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);
    const lost = await createMessage(handle.db, user.id, { status: "pending", createdAt: t0, updatedAt: t0 });
    const sleeping = await createMessage(handle.db, user.id, { status: "scheduled", heldUntil: at(60), updatedAt: t0 });
    const orphaned = await createMessage(handle.db, user.id, { status: "scheduled", heldUntil: at(-10), updatedAt: at(-20) });
    const sweep = async (minutes: number) => (await recoverStrandedPage(deps, { now: at(minutes), limit: 1_000 })).restart;
    const after = RECONCILE_POLICY.strandedAfterMs / MINUTE;

    const early = (await sweep(after - 1)).map((r) => r.messageId);
    expect(early).not.toContain(lost.id);
    expect(early).toContain(orphaned.id); // its hold ended 10 minutes ago and nothing moved it
    const first = await sweep(after + 1);
    expect(first).toContainEqual({ messageId: lost.id, priority: lost.priority, eventId: `${lost.id}:recover:1` });
    expect(first.map((r) => r.messageId)).not.toContain(sleeping.id);
    // Touched: the next sweep leaves it alone until it has again made no progress for as long.
    expect((await sweep(after + 1)).map((r) => r.messageId)).not.toContain(lost.id);

    let minutes = after + 1;
    for (let n = 2; n <= RECONCILE_POLICY.maxRestarts; n++) {
      minutes += after + 1;
      expect((await sweep(minutes)).find((r) => r.messageId === lost.id)?.eventId).toBe(`${lost.id}:recover:${n}`);
    }
    minutes += after + 1;
    expect((await sweep(minutes)).map((r) => r.messageId)).not.toContain(lost.id);
    expect(await messageOf(lost.id)).toMatchObject({ status: "failed", failReason: expect.stringMatching(/send run was lost/) });
  });
});
