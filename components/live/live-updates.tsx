"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { LiveEvent } from "@/server/live/stream";
import { useTRPC } from "../trpc/client";
import { usePageVisible } from "./use-page-visible";

/** A hidden tab keeps its stream this long (a quick tab switch should not cost a reconnect). */
const BACKGROUND_GRACE_MS = 60_000;
/** Changes arriving closer together than this are refreshed together. */
const COALESCE_MS = 200;

type LiveState = "connecting" | "live" | "paused";
/** Whose data changed since the last refresh; "all" after a (re)connect. */
type Changed = ReadonlySet<string> | "all";

/**
 * Calls `refresh` when the stream says something changed, and when it (re)connects — the page's
 * queries then read whatever happened while it was away. Changes are gathered for `COALESCE_MS`,
 * and refreshes are at least `minGapMs` apart, so a burst of a thousand updates costs a page a
 * few reads. Gives the subscription's options, and its state for the page to show.
 */
function useLiveRefresh(refresh: (changed: Changed) => void, minGapMs: number) {
  const enabled = usePageVisible(BACKGROUND_GRACE_MS);
  const [ready, setReady] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pending = useRef<Set<string> | "all">(new Set());
  const lastRefresh = useRef(0);
  const refreshRef = useRef(refresh);
  useEffect(() => {
    refreshRef.current = refresh;
  });
  useEffect(() => () => clearTimeout(timer.current), []);

  const onData = useCallback(
    (event: LiveEvent) => {
      if (event.kind === "ready") {
        setReady(true);
        pending.current = "all";
      } else if (pending.current !== "all") {
        for (const id of event.userIds) pending.current.add(id);
      }
      if (timer.current) return;
      const wait = Math.max(COALESCE_MS, lastRefresh.current + minGapMs - Date.now());
      timer.current = setTimeout(() => {
        timer.current = undefined;
        lastRefresh.current = Date.now();
        const changed = pending.current;
        pending.current = new Set();
        refreshRef.current(changed);
      }, wait);
    },
    [minGapMs],
  );
  // Connecting again (a dropped stream, a tab back from the background): not live until its "ready".
  const onConnectionStateChange = useCallback((change: { state: string }) => {
    if (change.state !== "pending") setReady(false);
  }, []);
  const state = (status: string): LiveState => (!enabled ? "paused" : ready && status === "pending" ? "live" : "connecting");
  return { options: { enabled, onData, onConnectionStateChange }, state };
}

const WORDS: Record<LiveState, string> = {
  live: "Live: updates as texts move",
  connecting: "Connecting for live updates…",
  paused: "Live updates paused while this tab is in the background",
};

function LiveStatus({ state }: { state: LiveState }) {
  return (
    <p role="status" data-testid="live-status" data-state={state} className="flex items-center gap-1.5 text-xs text-slate-600">
      <span aria-hidden className={`inline-block h-2 w-2 rounded-full ${state === "live" ? "bg-emerald-600" : "bg-slate-400"}`} />
      {WORDS[state]}
    </p>
  );
}

/** The signed-in user's pages: their texts and their phone/opt-out state follow the database. */
export function LiveUserUpdates() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const live = useLiveRefresh(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.messages.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.sms.pathKey() });
  }, 500);
  const subscription = useSubscription(trpc.live.mine.subscriptionOptions(undefined, live.options));
  return <LiveStatus state={live.state(subscription.status)} />;
}

/** Every admin page: the log, a message's detail, test send, users and the dashboard's today. */
export function LiveAdminUpdates() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // At most a refresh a second: every open admin page reads again on any user's change.
  const live = useLiveRefresh((changed) => {
    for (const queryKey of [trpc.admin.messages.list.pathKey(), trpc.admin.dashboard.pathKey(), trpc.admin.users.pathKey()]) {
      void queryClient.invalidateQueries({ queryKey });
    }
    // A message's detail only when its user's data changed. (Its durable runs poll on their own:
    // they live in the executor, not in the database.)
    void queryClient.invalidateQueries({
      queryKey: trpc.admin.messages.get.pathKey(),
      predicate: (query) => changed === "all" || changed.has((query.state.data as { userId?: string } | undefined)?.userId ?? ""),
    });
  }, 1_000);
  const subscription = useSubscription(trpc.admin.live.subscriptionOptions(undefined, live.options));
  return <LiveStatus state={live.state(subscription.status)} />;
}
