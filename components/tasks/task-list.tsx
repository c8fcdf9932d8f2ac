"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
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

/** The task's priority, as the new-task and edit forms both ask for it. */
function PriorityField({ id, defaultValue }: { id?: string; defaultValue: Priority }) {
  return (
    <SelectField label="Priority" name="priority" id={id} defaultValue={defaultValue}>
      {PRIORITIES.map((priority) => (
        <option key={priority} value={priority}>
          {priorityLabel[priority]}
        </option>
      ))}
    </SelectField>
  );
}

export function TaskList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidate = () => queryClient.invalidateQueries(trpc.tasks.pathFilter());
  const create = useMutation(trpc.tasks.create.mutationOptions({ onSuccess: invalidate }));
  const complete = useMutation(trpc.tasks.complete.mutationOptions({ onSuccess: invalidate }));
  // Deleting a task also cancels its reminder that has not left yet (server/tasks/service.ts).
  const remove = useMutation(trpc.tasks.delete.mutationOptions({ onSuccess: invalidate }));
  const reopen = useMutation(trpc.tasks.reopen.mutationOptions({ onSuccess: invalidate }));
  const [editing, setEditing] = useState<string | null>(null);
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
          <PriorityField defaultValue="normal" />
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
          what="tasks"
          empty="No tasks yet. Add one above."
          label="Tasks"
          item={(task) => (
            <li key={task.id} className="py-3">
              {editing === task.id ? (
                <TaskEditForm
                  task={task}
                  onDone={() => {
                    setEditing(null);
                    void invalidate();
                  }}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <div className="flex flex-wrap items-center justify-between gap-3">
                  <div className="min-w-0">
                    <p className={`break-words ${task.completedAt ? "text-slate-600 line-through" : "text-slate-900"}`}>{task.title}</p>
                    <p className="text-xs text-slate-600">
                      {[task.project, task.priority].filter(Boolean).join(" · ")}
                      {task.dueAt ? (
                        <>
                          {" · due "}
                          <LocalTime date={task.dueAt} />
                        </>
                      ) : null}
                      {task.completedAt ? (
                        <span data-testid="task-completed">{task.completedVia === "text" ? " · completed by text" : " · completed"}</span>
                      ) : null}
                    </p>
                  </div>
                  <div className="flex gap-2">
                    {task.completedAt ? (
                      <Button
                        variant="secondary"
                        pending={reopen.isPending && reopen.variables?.id === task.id}
                        onClick={() => reopen.mutate({ id: task.id })}
                        aria-label={`Reopen ${task.title}`}
                      >
                        Reopen
                      </Button>
                    ) : (
                      <>
                        <Button variant="secondary" onClick={() => setEditing(task.id)} aria-label={`Edit ${task.title}`}>
                          Edit
                        </Button>
                        <Button
                          variant="secondary"
                          pending={complete.isPending && complete.variables?.id === task.id}
                          onClick={() => complete.mutate({ id: task.id })}
                        >
                          Done
                        </Button>
                      </>
                    )}
                    <Button
                      variant="secondary"
                      aria-label={`Delete ${task.title}`}
                      pending={remove.isPending && remove.variables?.id === task.id}
                      onClick={() => remove.mutate({ id: task.id })}
                    >
                      Delete
                    </Button>
                  </div>
                </div>
              )}
            </li>
          )}
        />
        {complete.isError ? <Alert>{errorMessage(complete.error)}</Alert> : null}
        {remove.isError ? <Alert>{errorMessage(remove.error)}</Alert> : null}
        {reopen.isError ? <Alert>{errorMessage(reopen.error)}</Alert> : null}
      </Card>
    </div>
  );
}

/** A Date as the value of a datetime-local input, in the browser's zone. */
function localInputValue(date: Date | null): string {
  if (!date) return "";
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function TaskEditForm({
  task,
  onDone,
  onCancel,
}: {
  task: { id: string; title: string; dueAt: Date | null; priority: Priority };
  onDone: () => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const update = useMutation(trpc.tasks.update.mutationOptions({ onSuccess: onDone }));
  const errors = fieldErrors(update.error);
  const id = (field: string) => `edit-${task.id}-${field}`;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const due = String(form.get("dueAt") ?? "");
    update.mutate({
      id: task.id,
      title: String(form.get("title") ?? ""),
      dueAt: due ? new Date(due) : null,
      priority: String(form.get("priority")) as Priority,
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-3 sm:grid-cols-3" aria-label={`Edit ${task.title}`}>
      <TextField label="Title" name="title" id={id("title")} defaultValue={task.title} error={errors.title} />
      <TextField label="Due" name="dueAt" id={id("due")} type="datetime-local" defaultValue={localInputValue(task.dueAt)} error={errors.dueAt} />
      <PriorityField id={id("priority")} defaultValue={task.priority} />
      <div className="flex flex-wrap gap-2 sm:col-span-3">
        {update.isError && Object.keys(errors).length === 0 ? <Alert>{errorMessage(update.error)}</Alert> : null}
        <Button type="submit" pending={update.isPending}>
          Save task
        </Button>
        <Button type="button" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
