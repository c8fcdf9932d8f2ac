"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc/client";
import { Card } from "../../ui/card";
import { LocalTime } from "../../ui/local-time";
import { Alert, Empty, Loading } from "../../ui/states";
import { StatusBadge } from "../status-badge";

/** One user's texts both ways, oldest first: ours with their status, theirs with our answer and what each did. */
export function UserConversation({ userId }: { userId: string }) {
  const trpc = useTRPC();
  const conversation = useQuery(trpc.admin.userConversation.queryOptions({ userId }));
  if (conversation.isPending) return <Loading label="Loading the conversation…" />;
  if (conversation.isError) return <Alert>Could not load the conversation: {conversation.error.message}</Alert>;
  const { email, phone, items } = conversation.data;
  return (
    <Card title={email} description={phone ? `Texts with ${phone}` : "No number set up."}>
      {items.length === 0 ? (
        <Empty>No texts either way yet.</Empty>
      ) : (
        <ol className="flex flex-col gap-2" aria-label={`Conversation with ${email}`}>
          {items.map((item) =>
            item.direction === "to_user" ? (
              <li key={`out-${item.id}`} className="max-w-[85%] self-start rounded-2xl bg-slate-100 px-3 py-2 text-sm text-slate-900" data-testid="conversation-out">
                <p className="break-words whitespace-pre-wrap">{item.body}</p>
                <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-600">
                  <LocalTime date={item.at} /> <StatusBadge status={item.status} />
                </p>
              </li>
            ) : (
              <li key={`in-${item.id}`} className="max-w-[85%] self-end rounded-2xl bg-indigo-600 px-3 py-2 text-sm text-white" data-testid="conversation-in">
                <p className="break-words whitespace-pre-wrap">{item.body}</p>
                <p className="mt-1 text-xs text-indigo-100">
                  <LocalTime date={item.at} /> · <span data-testid="conversation-did">{item.did}</span>
                </p>
                {item.answer ? <p className="mt-1 text-xs break-words text-indigo-100">Answered: {item.answer}</p> : null}
              </li>
            ),
          )}
        </ol>
      )}
    </Card>
  );
}
