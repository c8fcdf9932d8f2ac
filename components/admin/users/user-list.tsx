"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useTRPC } from "../../trpc/client";
import { fieldErrors } from "../../trpc/errors";
import { Button } from "../../ui/button";
import { Card } from "../../ui/card";
import { TextField } from "../../ui/field";
import { LocalTime } from "../../ui/local-time";
import { PagedResultList } from "../../ui/query-states";
import { Table, Td } from "../../ui/table";
import { count } from "../format";
import { OPT_SOURCES, words } from "../words";

export function UserList() {
  const trpc = useTRPC();
  const [search, setSearch] = useState<string | undefined>(undefined);
  const users = useInfiniteQuery(
    trpc.admin.users.infiniteQueryOptions({ search }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  const errors = fieldErrors(users.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSearch(String(new FormData(event.currentTarget).get("search") ?? "").trim() || undefined);
  }

  return (
    <div className="space-y-6">
      <form onSubmit={onSubmit} role="search" aria-label="Users" className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1">
          <TextField label="Email or phone" name="search" error={errors.search} placeholder="part of an email, or +1 555 555 0100" />
        </div>
        <Button type="submit">Search</Button>
      </form>
      <Card title="Users" description="Newest first. Texts this month: sent to them since the 1st (UTC).">
        <PagedResultList
          result={users}
          what="users"
          empty={search ? `No user matches “${search}”.` : "No users yet."}
          inputRefused={Object.keys(errors).length > 0}
        >
          {(items) => (
            <Table head={["User", "Verified number", "Opt-out state", "Texts this month", "Joined"]}>
              {items.map((u) => (
                <tr key={u.id} data-testid={`user-${u.email}`}>
                  <Td>
                    <Link href={`/admin/users/${encodeURIComponent(u.id)}`} className="block text-indigo-700 hover:underline">
                      {u.email}
                    </Link>
                    <span className="block text-xs text-slate-500">
                      {u.name}
                      {u.role === "admin" ? " · admin" : ""}
                    </span>
                  </Td>
                  <Td className="font-mono">{u.phone ?? <span className="font-sans text-slate-500">none</span>}</Td>
                  <Td>
                    <span data-testid="opt-state">
                      {u.optedOutAt ? (
                        <span className="text-amber-800">
                          opted out ({words(OPT_SOURCES, u.optOutSource)}) <LocalTime date={u.optedOutAt} dateOnly />
                        </span>
                      ) : u.phone ? (
                        "receiving"
                      ) : (
                        <span className="text-slate-500">not set up</span>
                      )}
                    </span>
                  </Td>
                  <Td>{count(u.textsThisMonth)}</Td>
                  <Td className="whitespace-nowrap">
                    <LocalTime date={u.createdAt} dateOnly />
                  </Td>
                </tr>
              ))}
            </Table>
          )}
        </PagedResultList>
      </Card>
    </div>
  );
}
