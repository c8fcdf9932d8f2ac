"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { inferRouterInputs } from "@trpc/server";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import type { AppRouter } from "@/server/trpc/root";
import { useTRPC } from "../../trpc/client";
import { fieldErrors } from "../../trpc/errors";
import { Button } from "../../ui/button";
import { Card } from "../../ui/card";
import { SelectField, TextField } from "../../ui/field";
import { LocalTime } from "../../ui/local-time";
import { PagedResultList } from "../../ui/query-states";
import { Table, Td } from "../../ui/table";
import { StatusBadge } from "../status-badge";
import { CATEGORIES, STATUS_TONE, words } from "../words";

type Filters = Omit<inferRouterInputs<AppRouter>["admin"]["messages"]["list"], "cursor" | "limit">;

/** A date input's day as the reader's local midnight; `endOfDay` moves to the next midnight (an inclusive "to"). */
function localDay(value: string, endOfDay = false): Date | undefined {
  if (!value) return undefined;
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y!, m! - 1, d! + (endOfDay ? 1 : 0));
}

export function MessageLog() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>({});
  const templates = useQuery(trpc.admin.templates.list.queryOptions());
  const log = useInfiniteQuery(
    trpc.admin.messages.list.infiniteQueryOptions(filters, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  const errors = fieldErrors(log.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim() || undefined;
    setFilters({
      status: text("status") as Filters["status"],
      templateId: text("templateId"),
      category: text("category") as Filters["category"],
      recipient: text("recipient"),
      from: localDay(String(form.get("from") ?? "")),
      to: localDay(String(form.get("to") ?? ""), true),
    });
  }

  return (
    <div className="space-y-6">
      <Card title="Filters">
        <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Message filters">
          <SelectField label="Status" name="status" defaultValue="">
            <option value="">Any status</option>
            {Object.keys(STATUS_TONE).map((status) => (
              <option key={status}>{status}</option>
            ))}
          </SelectField>
          <SelectField label="Template" name="templateId" defaultValue="">
            <option value="">Any template</option>
            {(templates.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.key}
              </option>
            ))}
          </SelectField>
          <SelectField label="Category" name="category" defaultValue="">
            <option value="">Any category</option>
            {Object.entries(CATEGORIES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <TextField label="User email or phone" name="recipient" error={errors.recipient} placeholder="ana@example.com or +1 555 0100" />
          <TextField label="From (day)" name="from" type="date" />
          <TextField label="To (day, included)" name="to" type="date" />
          <div className="sm:col-span-2 lg:col-span-3">
            <Button type="submit">Apply filters</Button>
          </div>
        </form>
      </Card>
      <Card title="Messages" description="Newest first.">
        <PagedResultList
          result={log}
          pageItems={(page) => page.items}
          what="messages"
          loadingLabel="Loading messages…"
          empty="No messages match these filters."
          inputRefused={Object.keys(errors).length > 0}
        >
          {(items) => (
            <Table head={["When", "Recipient", "Template", "Status", "Text"]}>
              {items.map((m) => (
                <tr key={m.id}>
                  <Td className="whitespace-nowrap">
                    <Link href={`/admin/messages/${m.id}`} className="text-indigo-700 hover:underline">
                      <LocalTime date={m.createdAt} />
                    </Link>
                  </Td>
                  <Td>
                    <span className="block">{m.userEmail}</span>
                    <span className="block font-mono text-xs text-slate-500">{m.to ?? "no number"}</span>
                  </Td>
                  <Td>
                    <span className="block font-mono text-xs">{m.templateKey ?? "–"}</span>
                    <span className="block text-xs text-slate-500">{words(CATEGORIES, m.category)}</span>
                  </Td>
                  <Td>
                    <StatusBadge status={m.status} skipReason={m.skipReason} />
                    {m.errorCode ? <span className="block font-mono text-xs text-red-700">{m.errorCode}</span> : null}
                  </Td>
                  <Td className="max-w-xs truncate">{m.body}</Td>
                </tr>
              ))}
            </Table>
          )}
        </PagedResultList>
      </Card>
    </div>
  );
}
