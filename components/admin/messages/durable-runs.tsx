"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc/client";
import { Card } from "../../ui/card";
import { LocalTime } from "../../ui/local-time";
import { Alert, Empty, Loading } from "../../ui/states";
import { Table, Td } from "../../ui/table";
import { TERMINAL_STATUSES } from "../words";

/** The durable runs behind the message: inline from the local executor, or a link to Inngest's dashboard. */
export function DurableRuns({ id, status }: { id: string; status: string }) {
  const trpc = useTRPC();
  const runs = useQuery({
    ...trpc.admin.messages.runs.queryOptions({ id }),
    refetchInterval: TERMINAL_STATUSES.includes(status) ? false : 2_000,
  });
  return (
    <Card title="Durable run" description="The send function that carries this text (its event id is the message id).">
      {runs.isPending ? (
        <Loading label="Asking the engine…" />
      ) : runs.isError ? (
        <Alert>Could not look up the run: {runs.error.message}</Alert>
      ) : (
        <div className="space-y-3 text-sm">
          {runs.data.runs === null ? null : runs.data.runs.length === 0 ? (
            <Empty>No run has started for this message (skipped texts have none).</Empty>
          ) : (
            <Table head={["Function", "Run", "Status", "Started", "Ended"]}>
              {runs.data.runs.map((run) => (
                <tr key={run.id}>
                  <Td className="font-mono text-xs">{run.functionId}</Td>
                  <Td className="font-mono text-xs">
                    <a href={run.link} target="_blank" rel="noreferrer" className="text-indigo-700 hover:underline">
                      {run.id}
                    </a>
                  </Td>
                  <Td>{run.status}</Td>
                  <Td className="whitespace-nowrap">{run.createdAt ? <LocalTime date={new Date(run.createdAt)} /> : "–"}</Td>
                  <Td className="whitespace-nowrap">{run.endedAt ? <LocalTime date={new Date(run.endedAt)} /> : "–"}</Td>
                </tr>
              ))}
            </Table>
          )}
          <a href={runs.data.link} target="_blank" rel="noreferrer" className="inline-block text-indigo-700 hover:underline">
            {runs.data.mode === "inngest-cloud" ? "Open in Inngest's dashboard" : "Open the local executor's record"}
          </a>
        </div>
      )}
    </Card>
  );
}
