import type { LiveHub } from "./hub";

/**
 * One event of a live stream. `ready`: the stream is (re)connected — anything may have changed
 * since the page last read, so it reads again (this is how a dropped stream resumes: the page's
 * own queries are the state, the stream only says when to refresh them). `changed`: these users'
 * texts or SMS settings changed.
 */
export type LiveEvent = { kind: "ready" } | { kind: "changed"; userIds: string[] };

/** More distinct users than this in one burst and the page simply reads everything again. */
const MAX_USERS_PER_EVENT = 100;

/**
 * The changes `accept` lets through, from the moment the stream is ready until `signal` aborts.
 * Changes that arrive while the consumer is busy are merged into one event, so a burst of a
 * thousand updates costs a page a few refreshes, not a thousand.
 */
export async function* liveEvents(hub: LiveHub, accept: (userId: string) => boolean, signal: AbortSignal | undefined): AsyncGenerator<LiveEvent> {
  const pending = new Set<string>();
  let resync = false;
  let wake: (() => void) | undefined;
  const unsubscribe = await hub.subscribe((change) => {
    if (change.kind === "resync") resync = true;
    else if (accept(change.userId)) pending.add(change.userId);
    else return;
    wake?.();
  });
  const stopped = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  try {
    yield { kind: "ready" };
    while (!signal?.aborted) {
      if (!resync && pending.size === 0) {
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), stopped]);
        wake = undefined;
        continue;
      }
      if (resync || pending.size > MAX_USERS_PER_EVENT) {
        resync = false;
        pending.clear();
        yield { kind: "ready" };
        continue;
      }
      const userIds = [...pending];
      pending.clear();
      yield { kind: "changed", userIds };
    }
  } finally {
    unsubscribe();
  }
}
