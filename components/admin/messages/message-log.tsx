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
import { StatusBadge } from "../status-badge";
import { CATEGORIES, STATUS_TONE, STATUS_WORDS, words } from "../words";

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
              <option key={status} value={status}>
                {words(STATUS_WORDS, status)}
              </option>
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
          <TextField label="User email or phone" name="recipient" error={errors.recipient} placeholder="part of an email, or a phone number" />
          <TextField label="From (day)" name="from" type="date" error={errors.from} />
          <TextField label="To (day, included)" name="to" type="date" error={errors.to} />
          <div className="sm:col-span-2 lg:col-span-3">
            <Button type="submit">Apply filters</Button>
          </div>
        </form>
      </Card>
      <Card title="Messages" description="Newest first.">
        <PagedResultList
          result={log}
          what="messages"
          empty="No messages match these filters."
          inputRefused={Object.keys(errors).length > 0}
        >
          {(items) => (
            // One table: on a phone each row is a card (status, time, text and recipient all in
            // view, no sideways scroller); from md up it is an ordinary table.
            <table className="block w-full text-sm md:table md:min-w-full md:divide-y md:divide-slate-200">
              <thead className="sr-only md:not-sr-only md:table-header-group">
                <tr>
                  {["When", "Recipient", "Template", "Status", "Text"].map((h) => (
                    <th key={h} scope="col" className="px-3 py-2 text-left font-semibold text-slate-700">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="block space-y-3 md:table-row-group md:space-y-0 md:divide-y md:divide-slate-100">
                {items.map((m) => (
                  <tr
                    key={m.id}
                    data-testid="log-entry"
                    className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1 rounded-lg p-3 ring-1 ring-slate-200 md:table-row md:rounded-none md:p-0 md:ring-0"
                  >
                    <td className="text-slate-700 md:whitespace-nowrap md:px-3 md:py-2">
                      <Link href={`/admin/messages/${m.id}`} className="text-indigo-700 hover:underline">
                        <LocalTime date={m.createdAt} />
                      </Link>
                    </td>
                    <td className="col-span-2 row-start-3 min-w-0 text-slate-700 md:px-3 md:py-2">
                      <span className="block break-words">{m.userEmail}</span>
                      <span className="block font-mono text-xs text-slate-600">{m.to ?? "no number"}</span>
                    </td>
                    <td className="col-span-2 row-start-4 text-slate-700 md:px-3 md:py-2">
                      <span className="font-mono text-xs md:block">{m.templateKey ?? "–"}</span>
                      <span className="ml-2 text-xs text-slate-600 md:ml-0 md:block">{words(CATEGORIES, m.category)}</span>
                    </td>
                    <td className="col-start-2 row-start-1 text-right text-slate-700 md:px-3 md:py-2 md:text-left">
                      <StatusBadge status={m.status} skipReason={m.skipReason} />
                      {m.errorCode ? <span className="block font-mono text-xs text-red-700">{m.errorCode}</span> : null}
                    </td>
                    <td className="col-span-2 row-start-2 line-clamp-3 break-words text-slate-900 md:table-cell md:max-w-xs md:truncate md:px-3 md:py-2 md:line-clamp-none">{m.body}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </PagedResultList>
      </Card>
    </div>
  );
}
