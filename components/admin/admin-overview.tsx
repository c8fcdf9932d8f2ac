"use client";

import { useTRPC } from "../trpc/client";
import { Card } from "../ui/card";
import { LocalTime } from "../ui/local-time";
import { QueryList } from "../ui/query-states";
import { Table, Td } from "../ui/table";

export function AdminOverview() {
  const trpc = useTRPC();
  return (
    <div className="space-y-6">
      <Card title="Templates" description="Every text is rendered from one of these.">
        <QueryList query={trpc.admin.templates.queryOptions()} what="templates" empty="No templates.">
          {(templates) => (
            <Table head={["Key", "Name", "Category", "Version", "Active"]}>
              {templates.map((t) => (
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
        </QueryList>
      </Card>
      <Card title="Users">
        <QueryList query={trpc.admin.users.queryOptions()} what="users" empty="No users.">
          {(users) => (
            <Table head={["Email", "Name", "Role", "Joined"]}>
              {users.map((u) => (
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
        </QueryList>
      </Card>
    </div>
  );
}
