"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { PRIORITIES, TASKS_PAGE_SIZE, type Priority } from "@/common/limits";
import { useTRPC } from "../trpc/client";
import { errorMessage, fieldErrors } from "../trpc/errors";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { SelectField, TextField } from "../ui/field";
import { LocalTime } from "../ui/local-time";
import { InfiniteQueryList } from "../ui/query-states";
import { Alert } from "../ui/states";

const priorityLabel: Record<Priority, string> = { urgent: "Urgent", high: "High", normal: "Normal", low: "Low" };

export function TaskList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = () => queryClient.invalidateQueries(trpc.tasks.pathFilter());
  const create = useMutation(trpc.tasks.create.mutationOptions({ onSuccess: invalidate }));
  const complete = useMutation(trpc.tasks.complete.mutationOptions({ onSuccess: invalidate }));
  const errors = fieldErrors(create.error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const due = String(form.get("dueAt") ?? "");
    create.mutate(
      {
        title: String(form.get("title") ?? ""),
        project: String(form.get("project") ?? ""),
        dueAt: due ? new Date(due) : undefined,
        priority: String(form.get("priority")) as Priority,
      },
      { onSuccess: () => formElement.reset() },
    );
  }

  return (
    <div className="space-y-6">
      <Card title="New task" description="Reminders and the daily brief are made from your tasks.">
        <form onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-2" aria-label="New task">
          <TextField label="Title" name="title" error={errors.title} />
          <TextField label="Project" name="project" error={errors.project} />
          <TextField label="Due" name="dueAt" type="datetime-local" error={errors.dueAt} />
          <SelectField label="Priority" name="priority" defaultValue="normal">
            {PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {priorityLabel[priority]}
              </option>
            ))}
          </SelectField>
          <div className="sm:col-span-2">
            {create.isError && Object.keys(errors).length === 0 ? <Alert>{errorMessage(create.error)}</Alert> : null}
            <Button type="submit" pending={create.isPending}>
              Add task
            </Button>
          </div>
        </form>
      </Card>
      <Card title="Your tasks">
        <InfiniteQueryList
          query={trpc.tasks.list.infiniteQueryOptions({ limit: TASKS_PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor })}
          pageItems={(page) => page.items}
          what="tasks"
          loadingLabel="Loading tasks…"
          empty="No tasks yet. Add one above."
        >
          {(tasks) => (
            <ul className="divide-y divide-slate-100" aria-label="Tasks">
              {tasks.map((task) => (
                <li key={task.id} className="flex items-center justify-between gap-4 py-3">
                  <div>
                    <p className={task.completedAt ? "text-slate-400 line-through" : "text-slate-900"}>{task.title}</p>
                    <p className="text-xs text-slate-500">
                      {[task.project, task.priority].filter(Boolean).join(" · ")}
                      {task.dueAt ? (
                        <>
                          {" · due "}
                          <LocalTime date={task.dueAt} />
                        </>
                      ) : null}
                    </p>
                  </div>
                  {task.completedAt ? null : (
                    <Button
                      variant="secondary"
                      pending={complete.isPending && complete.variables?.id === task.id}
                      onClick={() => complete.mutate({ id: task.id })}
                    >
                      Done
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </InfiniteQueryList>
        {complete.isError ? <Alert>{errorMessage(complete.error)}</Alert> : null}
      </Card>
    </div>
  );
}
