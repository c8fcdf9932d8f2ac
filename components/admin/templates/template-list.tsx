"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../../trpc/client";
import { Card } from "../../ui/card";
import { Alert, Empty, Loading } from "../../ui/states";
import { Table, Td } from "../../ui/table";
import { count, percent } from "../format";
import { CATEGORIES, words } from "../words";

export function TemplateList() {
  const trpc = useTRPC();
  const templates = useQuery(trpc.admin.templates.list.queryOptions());
  return (
    <Card
      title="Templates"
      description="Every text is rendered from one of these. Figures: the last 30 days."
      actions={
        <Link href="/admin/templates/new" className="shrink-0 rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
          New template
        </Link>
      }
    >
      {templates.isPending ? (
        <Loading label="Loading templates…" />
      ) : templates.isError ? (
        <Alert>Could not load templates: {templates.error.message}</Alert>
      ) : templates.data.length === 0 ? (
        <Empty>No templates yet. Create the first one.</Empty>
      ) : (
        <Table head={["Key", "Name", "Category", "Active", "Version", "Sent", "Delivered"]}>
          {templates.data.map((t) => (
            <tr key={t.id}>
              <Td className="font-mono">
                <Link href={`/admin/templates/${t.id}`} className="text-indigo-700 hover:underline">
                  {t.key}
                </Link>
              </Td>
              <Td>{t.name}</Td>
              <Td>{words(CATEGORIES, t.category)}</Td>
              <Td>{t.active ? "active" : <span className="text-amber-700">inactive</span>}</Td>
              <Td>v{t.currentVersion}</Td>
              <Td>{count(t.sent)}</Td>
              <Td>{percent(t.deliveryRate)}</Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
