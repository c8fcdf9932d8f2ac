import { requireUser } from "@/server/auth/guards";
import { TaskList } from "@/components/tasks/task-list";
import { HydrateClient, prefetch, trpc } from "@/components/trpc/server";

export const metadata = { title: "Tasks · BuildOS SMS" };

export default async function TasksPage() {
  await requireUser("/tasks");
  await Promise.all([prefetch(trpc.tasks.list.queryOptions())]);
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">Tasks</h1>
        <TaskList />
      </div>
    </HydrateClient>
  );
}
