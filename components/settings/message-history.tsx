"use client";

import { useQuery } from "@tanstack/react-query";
import { MESSAGE_HISTORY_PAGE_SIZE } from "@/shared/limits";
import { useTRPC } from "../trpc/client";
import { Card } from "../ui/card";
import { Alert, Empty, Loading } from "../ui/states";
import { LocalTime } from "../ui/local-time";
import { Table, Td } from "../ui/table";

export function MessageHistory() {
  const trpc = useTRPC();
  const messages = useQuery(trpc.messages.list.queryOptions({ limit: MESSAGE_HISTORY_PAGE_SIZE }));
  return (
    <Card title="Your recent texts" description={`The last ${MESSAGE_HISTORY_PAGE_SIZE} texts we sent or held for you.`}>
      {messages.isPending ? (
        <Loading label="Loading your texts…" />
      ) : messages.isError ? (
        <Alert>Could not load your texts: {messages.error.message}</Alert>
      ) : messages.data.length === 0 ? (
        <Empty>No texts yet.</Empty>
      ) : (
        <Table head={["When", "Text", "Status"]}>
          {messages.data.map((m) => (
            <tr key={m.id}>
              <Td className="whitespace-nowrap">
                <LocalTime date={m.createdAt} />
              </Td>
              <Td>{m.body}</Td>
              <Td>{m.skipReason ? `${m.status} (${m.skipReason.replace("_", " ")})` : m.status}</Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
