import { describe, expect, it } from "vitest";
import { createLiveHub } from "@/server/live/hub";
import { liveEvents, type LiveEvent } from "@/server/live/stream";

/** A stand-in for the database's LISTEN: the test says when a notification arrives or the connection comes back. */
function fakeListen() {
  let notify: ((payload: string) => void) | undefined;
  let listened: (() => void) | undefined;
  let listens = 0;
  return {
    listen: async (onNotify: (payload: string) => void, onListen: () => void) => {
      listens += 1;
      notify = onNotify;
      listened = onListen;
      onListen();
    },
    notify: (payload: string) => notify!(payload),
    reconnected: () => listened!(),
    listens: () => listens,
  };
}

const next = async (iterator: AsyncIterator<LiveEvent>) => (await iterator.next()).value as LiveEvent;

describe("a live stream", () => {
  it("starts with ready, then passes on its own changes only", async () => {
    const db = fakeListen();
    const stream = liveEvents(createLiveHub(db.listen), (id) => id === "u1", undefined)[Symbol.asyncIterator]();
    expect(await next(stream)).toEqual({ kind: "ready" });
    db.notify("u2");
    db.notify("u1");
    expect(await next(stream)).toEqual({ kind: "changed", userIds: ["u1"] });
  });

  it("merges changes that arrive while the reader is busy into one event", async () => {
    const db = fakeListen();
    const stream = liveEvents(createLiveHub(db.listen), () => true, undefined)[Symbol.asyncIterator]();
    expect(await next(stream)).toEqual({ kind: "ready" });
    for (const id of ["a", "b", "a", "c"]) db.notify(id);
    expect(await next(stream)).toEqual({ kind: "changed", userIds: ["a", "b", "c"] });
  });

  it("says ready again when the LISTEN was re-established, since notifications in between are lost", async () => {
    const db = fakeListen();
    const stream = liveEvents(createLiveHub(db.listen), () => true, undefined)[Symbol.asyncIterator]();
    expect(await next(stream)).toEqual({ kind: "ready" });
    db.reconnected();
    expect(await next(stream)).toEqual({ kind: "ready" });
  });

  it("ends when its request is aborted, and one LISTEN serves every stream of the process", async () => {
    const db = fakeListen();
    const hub = createLiveHub(db.listen);
    const abort = new AbortController();
    const first = liveEvents(hub, () => true, abort.signal)[Symbol.asyncIterator]();
    const second = liveEvents(hub, () => true, undefined)[Symbol.asyncIterator]();
    expect(await next(first)).toEqual({ kind: "ready" });
    expect(await next(second)).toEqual({ kind: "ready" });
    expect(db.listens()).toBe(1);
    const ended = first.next();
    abort.abort();
    expect(await ended).toEqual({ done: true, value: undefined });
    db.notify("u1");
    expect(await next(second)).toEqual({ kind: "changed", userIds: ["u1"] });
  });
});
