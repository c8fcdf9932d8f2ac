import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/db/client";
import { smsMessageEvents, smsMessages, userSmsPreferences } from "@/db/schema";
import type { SessionUser } from "@/server/auth/auth";
import { LIVE_CHANNEL } from "@/server/live/channel";
import { createLiveHub, type LiveHub } from "@/server/live/hub";
import type { LiveEvent } from "@/server/live/stream";
import { createCaller } from "@/server/trpc/root";
import { createMessage, createUser } from "../../helpers/factories";
import { testDatabases } from "../../helpers/test-db";
import { callerFor, testContext } from "../../helpers/trpc";

const hubOn = (handle: DbHandle): LiveHub => createLiveHub((onNotify, onListen) => handle.listen(LIVE_CHANNEL, onNotify, onListen));

/** Reads a live stream in the background; `next()` waits for its next event (or fails after 5 s). */
function reader(stream: AsyncIterable<LiveEvent>) {
  const iterator = stream[Symbol.asyncIterator]();
  return {
    async next(): Promise<LiveEvent> {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no live event within 5 s")), 5_000));
      const result = await Promise.race([iterator.next(), timeout]);
      if (result.done) throw new Error("the stream ended");
      return result.value;
    },
  };
}

describe.each(testDatabases())("live changes on $name", (database) => {
  let handle: DbHandle & { drop(): Promise<void> };
  let alice: SessionUser;
  let bob: SessionUser;
  let admin: SessionUser;
  let hub: LiveHub;
  const aborts: AbortController[] = [];

  /** A subscription as the app's route would run it, for `user`, on `live`. */
  async function subscribe(user: SessionUser, path: "mine" | "admin", live = hub) {
    const abort = new AbortController();
    aborts.push(abort);
    const caller = createCaller(testContext(handle.db, user, undefined, { live }), { signal: abort.signal });
    const stream = path === "mine" ? await caller.live.mine() : await caller.admin.live();
    return reader(stream);
  }

  beforeAll(async () => {
    handle = await database.open();
    hub = hubOn(handle);
    const session = (u: { id: string; email: string; name: string }, role: "user" | "admin"): SessionUser => ({ id: u.id, email: u.email, name: u.name, role });
    alice = session(await createUser(handle.db), "user");
    bob = session(await createUser(handle.db), "user");
    admin = session(await createUser(handle.db, { role: "admin" }), "admin");
    await handle.db.insert(userSmsPreferences).values({ userId: alice.id }).onConflictDoNothing();
  });
  afterAll(async () => {
    for (const abort of aborts) abort.abort();
    await handle?.drop();
  });

  it("tells a user about their own texts and settings, and nothing about anyone else's", async () => {
    const mine = await subscribe(alice, "mine");
    expect(await mine.next()).toEqual({ kind: "ready" });

    // Bob's text first: had it reached Alice's stream, it would be the next event.
    await createMessage(handle.db, bob.id);
    const message = await createMessage(handle.db, alice.id);
    expect(await mine.next()).toEqual({ kind: "changed", userIds: [alice.id] });

    await handle.db.update(smsMessages).set({ status: "delivered", deliveredAt: new Date() }).where(eq(smsMessages.id, message.id));
    expect(await mine.next()).toEqual({ kind: "changed", userIds: [alice.id] });

    // A late callback that moves nothing still adds a row to the timeline.
    await handle.db.insert(smsMessageEvents).values({ messageId: message.id, status: "sent", source: "callback", applied: false });
    expect(await mine.next()).toEqual({ kind: "changed", userIds: [alice.id] });

    // Opt-out state lives in the preferences row.
    await handle.db.update(userSmsPreferences).set({ optedOutAt: new Date(), optOutSource: "keyword" }).where(eq(userSmsPreferences.userId, alice.id));
    expect(await mine.next()).toEqual({ kind: "changed", userIds: [alice.id] });
  });

  it("tells an admin about every user, and refuses the admin stream to anyone else", async () => {
    const all = await subscribe(admin, "admin");
    expect(await all.next()).toEqual({ kind: "ready" });
    await createMessage(handle.db, bob.id);
    expect(await all.next()).toEqual({ kind: "changed", userIds: [bob.id] });

    await expect(subscribe(alice, "admin")).rejects.toSatisfy((error) => error instanceof TRPCError && error.code === "FORBIDDEN");
    await expect(callerFor(handle.db, null).live.mine()).rejects.toSatisfy((error) => error instanceof TRPCError && error.code === "UNAUTHORIZED");
  });

  it("announces nothing for a rolled-back change", async () => {
    const mine = await subscribe(alice, "mine");
    expect(await mine.next()).toEqual({ kind: "ready" });
    await handle.db
      .transaction(async (tx) => {
        await createMessage(tx, alice.id);
        throw new Error("roll back");
      })
      .catch(() => undefined);
    // The committed change after it is the very next event: the rolled-back one never came.
    await handle.db.update(userSmsPreferences).set({ dailyCap: 7 }).where(eq(userSmsPreferences.userId, alice.id));
    expect(await mine.next()).toEqual({ kind: "changed", userIds: [alice.id] });
  });

  if (database.name === "postgres") {
    it("reaches a page served by another app instance (a second pool on the same database)", async () => {
      const url = (handle.db as unknown as { $client: { options: { host: string[]; port: number[]; database: string; user: string; pass: string | null } } }).$client.options;
      const other = openDb({ kind: "postgres", url: `postgres://${url.user}${url.pass ? `:${encodeURIComponent(url.pass)}` : ""}@${url.host[0]}:${url.port[0]}/${url.database}`, poolSize: 2 });
      try {
        const elsewhere = await subscribe(alice, "mine", hubOn(other));
        expect(await elsewhere.next()).toEqual({ kind: "ready" });
        await createMessage(handle.db, alice.id);
        expect(await elsewhere.next()).toEqual({ kind: "changed", userIds: [alice.id] });
      } finally {
        await other.close();
      }
    });
  }
});
