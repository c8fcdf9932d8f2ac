import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsDailyCounters, smsMessageEvents, smsMessages } from "@/db/schema";
import { systemContext } from "@/server/service-context";
import { dailyCount } from "@/server/sms/daily-cap";
import { giveUpOnMessage } from "@/server/sms/dispatch-outcomes";
import { failHeldMessage } from "@/server/sms/send-pipeline";
import { createMessage, createUser } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { testDatabases } from "../../helpers/test-db";

const DAY = "2026-02-01";

/**
 * The ways a run ends a text it could not send: each checks the status it expects, writes the
 * message and its event together, and gives the text's daily-cap slot back exactly once.
 */
describe.each(testDatabases())("unsent endings on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  beforeAll(async () => {
    handle = await database.open();
  });
  afterAll(() => handle?.drop());

  const ctx = () => systemContext(handle.db, recordingJobs(), "test");
  const rowOf = async (id: string) => (await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id)))[0]!;
  const eventsOf = (id: string) => handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, id));

  async function holdingSlot(userId: string, status: "queued" | "sent" | "pending" | "scheduled") {
    const message = await createMessage(handle.db, userId, { status, capLocalDate: DAY });
    await handle.db
      .insert(smsDailyCounters)
      .values({ userId, localDate: DAY, count: 1 })
      .onConflictDoUpdate({ target: [smsDailyCounters.userId, smsDailyCounters.localDate], set: { count: 1 } });
    return message;
  }

  it("a send run that failed for good ends its held text failed with the reason, once", async () => {
    const user = await createUser(handle.db);
    const message = await holdingSlot(user.id, "scheduled");
    expect(await failHeldMessage(ctx(), message.id, "boom")).toBe(true);
    expect(await failHeldMessage(ctx(), message.id, "boom")).toBe(false);
    expect(await rowOf(message.id)).toMatchObject({ status: "failed", capLocalDate: null, failReason: expect.stringContaining("boom") });
    expect((await eventsOf(message.id)).map((e) => e.status)).toEqual(["failed"]);
    expect(await dailyCount(handle.db, user.id, DAY)).toBe(0);
  });

  it("giving up after every retry fails a queued text and frees its slot; a text that went out meanwhile keeps its status", async () => {
    const user = await createUser(handle.db);
    const queued = await holdingSlot(user.id, "queued");
    expect(await giveUpOnMessage(ctx(), queued.id, "HTTP 500")).toBe(true);
    expect(await rowOf(queued.id)).toMatchObject({ status: "failed", capLocalDate: null });
    expect(await dailyCount(handle.db, user.id, DAY)).toBe(0);

    const other = await createUser(handle.db);
    const sent = await holdingSlot(other.id, "sent");
    expect(await giveUpOnMessage(ctx(), sent.id, "HTTP 500")).toBe(false);
    expect(await rowOf(sent.id)).toMatchObject({ status: "sent", capLocalDate: DAY });
    expect(await eventsOf(sent.id)).toEqual([]);
    expect(await dailyCount(handle.db, other.id, DAY)).toBe(1);
  });
});
