import { dbHandle } from "../db";
import { processSingleton } from "../process-singleton";
import { LIVE_CHANNEL } from "./channel";

/** What a listener hears: one user's texts or settings changed, or anything may have (LISTEN re-established). */
export type LiveChange = { kind: "user"; userId: string } | { kind: "resync" };
type Listener = (change: LiveChange) => void;
type Listen = (onNotify: (payload: string) => void, onListen: () => void) => Promise<unknown>;

export interface LiveHub {
  /** Registers a listener; resolves once the process is LISTENing, so nothing after it is missed. */
  subscribe(listener: Listener): Promise<() => void>;
}

/**
 * Fans one LISTEN out to every open live stream of this process: a thousand open pages cost one
 * database connection, not a thousand. The LISTEN starts with the first stream and stays.
 */
export function createLiveHub(listen: Listen): LiveHub {
  const listeners = new Set<Listener>();
  const emit = (change: LiveChange) => {
    for (const listener of listeners) listener(change);
  };
  let listening: Promise<unknown> | undefined;
  let connectedOnce = false;
  const start = () =>
    listen(
      (payload) => {
        if (payload) emit({ kind: "user", userId: payload });
      },
      () => {
        // The first LISTEN only starts the hub; a later one follows a dropped connection.
        if (connectedOnce) emit({ kind: "resync" });
        connectedOnce = true;
      },
    );
  return {
    async subscribe(listener) {
      listeners.add(listener);
      listening ??= start().catch((error: unknown) => {
        listening = undefined;
        throw error;
      });
      try {
        await listening;
      } catch (error) {
        listeners.delete(listener);
        throw error;
      }
      return () => listeners.delete(listener);
    },
  };
}

/** The process's hub on the process's database (one per process, however many bundles load this). */
export const liveHub = processSingleton("live-hub", () =>
  createLiveHub((onNotify, onListen) => dbHandle().listen(LIVE_CHANNEL, onNotify, onListen)),
);
