"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
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

/**
 * Refreshes `keys` whenever the stream says something changed, and when it (re)connects —
 * the page's queries then read whatever happened while it was away. Gives the subscription's
 * options, and its state for the page to show.
 */
function useLiveRefresh(keys: () => QueryKey[]) {
  const queryClient = useQueryClient();
  const enabled = usePageVisible(BACKGROUND_GRACE_MS);
  const [ready, setReady] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const keysRef = useRef(keys);
  useEffect(() => {
    keysRef.current = keys;
  });
  useEffect(() => () => clearTimeout(timer.current), []);

  const onData = useCallback(
    (event: LiveEvent) => {
      if (event.kind === "ready") setReady(true);
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        for (const queryKey of keysRef.current()) void queryClient.invalidateQueries({ queryKey });
      }, COALESCE_MS);
    },
    [queryClient],
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
  const live = useLiveRefresh(() => [trpc.messages.pathKey(), trpc.sms.pathKey()]);
  const subscription = useSubscription(trpc.live.mine.subscriptionOptions(undefined, live.options));
  return <LiveStatus state={live.state(subscription.status)} />;
}

/** Every admin page: the log, a message's detail, test send, users and the dashboard's today. */
export function LiveAdminUpdates() {
  const trpc = useTRPC();
  const live = useLiveRefresh(() => [trpc.admin.messages.pathKey(), trpc.admin.dashboard.pathKey(), trpc.admin.users.pathKey()]);
  const subscription = useSubscription(trpc.admin.live.subscriptionOptions(undefined, live.options));
  return <LiveStatus state={live.state(subscription.status)} />;
}
