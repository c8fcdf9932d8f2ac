"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc/client";
import { Card } from "../ui/card";
import { Alert, Empty, Loading } from "../ui/states";
import { LocalTime } from "../ui/local-time";
import { Table, Td } from "../ui/table";

export function AdminOverview() {
  const trpc = useTRPC();
  const templates = useQuery(trpc.admin.templates.list.queryOptions());
  const users = useQuery(trpc.admin.users.queryOptions());
  return (
    <div className="space-y-6">
      <Card title="Templates" description="Every text is rendered from one of these.">
        {templates.isPending ? (
          <Loading />
        ) : templates.isError ? (
          <Alert>Could not load templates: {templates.error.message}</Alert>
        ) : templates.data.length === 0 ? (
          <Empty>No templates.</Empty>
        ) : (
          <Table head={["Key", "Name", "Category", "Version", "Active"]}>
            {templates.data.map((t) => (
              <tr key={t.id}>
                <Td className="font-mono">{t.key}</Td>
                <Td>{t.name}</Td>
                <Td>{t.category.replace("_", " ")}</Td>
                <Td>v{t.currentVersion}</Td>
                <Td>{t.active ? "yes" : "no"}</Td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
      <Card title="Users">
        {users.isPending ? (
          <Loading />
        ) : users.isError ? (
          <Alert>Could not load users: {users.error.message}</Alert>
        ) : users.data.items.length === 0 ? (
          <Empty>No users.</Empty>
        ) : (
          <Table head={["Email", "Name", "Role", "Joined"]}>
            {users.data.items.map((u) => (
              <tr key={u.id}>
                <Td>{u.email}</Td>
                <Td>{u.name}</Td>
                <Td>{u.role}</Td>
                <Td>
                  <LocalTime date={u.createdAt} dateOnly />
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </div>
  );
}
