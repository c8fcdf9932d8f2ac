"use client";

import { useTRPC } from "../trpc/client";
import { Card } from "../ui/card";
import { LocalTime } from "../ui/local-time";
import { QueryList } from "../ui/query-states";
import { useUserTimeZone } from "./use-user-time-zone";

/** The user's texts to us (DONE, SNOOZE, STOP …), newest first, each with our answer and what it did. */
export function ReplyHistory() {
  const trpc = useTRPC();
  const timeZone = useUserTimeZone();
  return (
    <Card title="Your replies" description="Texts you sent us, what each did, and what we answered.">
      <QueryList
        query={trpc.messages.replies.queryOptions()}
        what="your replies"
        empty="No replies yet. Reply DONE or SNOOZE to a reminder to act on its task."
        label="Your replies"
        item={(reply) => (
          <li key={reply.id} className="py-3 text-sm" data-testid="reply-item">
            <p className="flex flex-wrap justify-between gap-2">
              <span className="font-medium break-words text-slate-900">“{reply.body}”</span>
              <span className="text-xs text-slate-600">
                <LocalTime date={reply.receivedAt} timeZone={timeZone} />
              </span>
            </p>
            <p className="text-slate-700" data-testid="reply-did">
              {reply.did}
            </p>
            {reply.answer ? <p className="text-xs break-words text-slate-600">We answered: {reply.answer}</p> : null}
          </li>
        )}
      />
    </Card>
  );
}
