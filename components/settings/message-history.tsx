"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { MESSAGE_HISTORY_PAGE_SIZE } from "@/common/limits";
import { useTRPC } from "../trpc/client";
import { useUserTimeZone } from "./use-user-time-zone";
import { Card } from "../ui/card";
import { LocalTime } from "../ui/local-time";
import { InfiniteQueryList } from "../ui/query-states";
import { Alert, Loading } from "../ui/states";
import { EVENT_SOURCE_WORDS, EVENT_WORDS, HOLD_WORDS, STATUS_TONE, STATUS_WORDS } from "./message-words";

/**
 * The user's own texts, newest first, a page at a time ("Load more"). Each shows its status in
 * plain words, the time in the user's zone, the text, and for a text that did not go out, why;
 * expanding one shows its timeline.
 */
export function MessageHistory() {
  const trpc = useTRPC();
  const timeZone = useUserTimeZone();
  return (
    <Card title="Your texts" description="Every text we sent or held for you, newest first.">
      <InfiniteQueryList
        query={trpc.messages.list.infiniteQueryOptions({ limit: MESSAGE_HISTORY_PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor })}
        what="your texts"
        empty="No texts yet. Once your number is verified, your texts show here."
        label="Your texts"
        item={(message) => <MessageItem key={message.id} message={message} timeZone={timeZone} />}
      />
    </Card>
  );
}

type Message = {
  id: string;
  body: string;
  status: keyof typeof STATUS_WORDS;
  reason: string | null;
  digestSize: number | null;
  /** ISO 8601 (UTC). */
  createdAt: string;
};

function MessageItem({ message, timeZone }: { message: Message; timeZone: string | undefined }) {
  const [open, setOpen] = useState(false);
  const timelineId = `timeline-${message.id}`;
  return (
    <li className="space-y-1 py-3" data-testid="message">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${STATUS_TONE[message.status]}`}>
          {STATUS_WORDS[message.status]}
        </span>
        <span className="text-xs text-slate-600">
          <LocalTime date={message.createdAt} timeZone={timeZone} />
        </span>
      </div>
      {message.digestSize ? (
        <p className="text-xs font-medium text-slate-600" data-testid="digest-label">
          Digest of {message.digestSize} texts held through your quiet hours
        </p>
      ) : null}
      <p className="break-words text-sm text-slate-900">{message.body}</p>
      {message.reason ? <p className="text-sm text-slate-700">Why: {message.reason}</p> : null}
      <button
        type="button"
        className="text-sm text-indigo-700 hover:underline"
        aria-expanded={open}
        aria-controls={timelineId}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? "Hide timeline" : "Show timeline"}
      </button>
      {open ? <Timeline id={timelineId} messageId={message.id} timeZone={timeZone} /> : null}
    </li>
  );
}

function Timeline({ id, messageId, timeZone }: { id: string; messageId: string; timeZone: string | undefined }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.messages.get.queryOptions({ id: messageId }));
  if (detail.isPending) return <Loading label="Loading the timeline…" />;
  if (detail.isError) return <Alert>Could not load the timeline: {detail.error.message}</Alert>;
  const m = detail.data;
  const steps: { key: string; what: string; at: Date; by?: string }[] = [
    { key: "requested", what: "Requested", at: m.createdAt },
    ...m.events
      .filter((e) => e.applied)
      .map((e, i) =>
        e.status === "scheduled" && e.heldUntil
          ? { key: `held-${i}`, what: HOLD_WORDS[e.holdReason ?? "scheduled"], at: e.heldUntil, by: EVENT_SOURCE_WORDS[e.source] }
          : { key: `${e.status}-${i}`, what: EVENT_WORDS[e.status] ?? `Now ${e.status.replaceAll("_", " ")}`, at: e.createdAt, by: EVENT_SOURCE_WORDS[e.source] },
      ),
  ];
  return (
    <ol id={id} className="mt-2 space-y-1 border-l-2 border-slate-200 pl-3 text-sm" aria-label="Timeline">
      {steps.map((step) => (
        <li key={step.key} className="text-slate-700">
          <span className="font-medium text-slate-900">{step.what}</span> <LocalTime date={step.at} timeZone={timeZone} />
          {step.by ? <span className="text-slate-600">, {step.by}</span> : null}
        </li>
      ))}
    </ol>
  );
}
