import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { smsMessageEvents, smsMessages } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { createMessage, createUser } from "../../helpers/factories";
import { recordingJobs } from "../../helpers/jobs";
import { testDatabases } from "../../helpers/test-db";
import { callerFor } from "../../helpers/trpc";

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
  return "OK";
}

/** messages.cancel through the real tRPC routers: own texts only, and only before they go to Twilio. */
describe.each(testDatabases())("cancelling a text through tRPC on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let alice: SessionUser;
  let bob: SessionUser;

  beforeAll(async () => {
    handle = await database.open();
    const a = await createUser(handle.db, { name: "Alice" });
    const b = await createUser(handle.db, { name: "Bob" });
    alice = { id: a.id, email: a.email, name: a.name, role: "user" };
    bob = { id: b.id, email: b.email, name: b.name, role: "user" };
  });
  afterAll(() => handle?.drop());

  const row = async (id: string) => (await handle.db.select().from(smsMessages).where(eq(smsMessages.id, id)))[0]!;

  it("cancels the user's own held text, records the change and stops its run", async () => {
    const { id } = await createMessage(handle.db, alice.id, { status: "scheduled", heldUntil: new Date(Date.now() + 3_600_000), holdReason: "quiet_hours" });
    const jobs = recordingJobs();
    expect(await callerFor(handle.db, alice, jobs).messages.cancel({ id })).toEqual({ messageId: id, status: "cancelled", changed: true });
    expect(await row(id)).toMatchObject({ status: "cancelled", heldUntil: null, holdReason: null });
    const events = await handle.db.select().from(smsMessageEvents).where(eq(smsMessageEvents.messageId, id));
    expect(events.map((e) => `${e.source}:${e.status}`)).toEqual(["api:cancelled"]);
    expect(jobs.sent).toEqual([{ name: "sms/message.cancelled", data: { messageId: id } }]);
  });

  it("answers NOT_FOUND for another user's text and changes nothing, sends nothing", async () => {
    const { id } = await createMessage(handle.db, bob.id, { status: "queued" });
    const jobs = recordingJobs();
    expect(await codeOf(callerFor(handle.db, alice, jobs).messages.cancel({ id }))).toBe("NOT_FOUND");
    expect((await row(id)).status).toBe("queued");
    expect(jobs.sent).toEqual([]);
  });

  it("answers CONFLICT once the text has gone to Twilio, BAD_REQUEST for a malformed id", async () => {
    const { id } = await createMessage(handle.db, alice.id, { status: "sending" });
    const jobs = recordingJobs();
    expect(await codeOf(callerFor(handle.db, alice, jobs).messages.cancel({ id }))).toBe("CONFLICT");
    expect((await row(id)).status).toBe("sending");
    expect(await codeOf(callerFor(handle.db, alice, jobs).messages.cancel({ id: "nope" }))).toBe("BAD_REQUEST");
    expect(jobs.sent).toEqual([]);
  });
});
