"use client";

import { MESSAGE_HISTORY_PAGE_SIZE } from "@/common/limits";
import { useTRPC } from "../trpc/client";
import { Card } from "../ui/card";
import { LocalTime } from "../ui/local-time";
import { QueryList } from "../ui/query-states";
import { Table, Td } from "../ui/table";

export function MessageHistory() {
  const trpc = useTRPC();
  return (
    <Card title="Your recent texts" description={`The last ${MESSAGE_HISTORY_PAGE_SIZE} texts we sent or held for you.`}>
      <QueryList
        query={trpc.messages.list.queryOptions({ limit: MESSAGE_HISTORY_PAGE_SIZE })}
        what="your texts"
        loadingLabel="Loading your texts…"
        empty="No texts yet."
      >
        {(messages) => (
          <Table head={["When", "Text", "Status"]}>
            {messages.map((m) => (
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
      </QueryList>
    </Card>
  );
}
