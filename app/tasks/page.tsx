import { TaskList } from "@/components/tasks/task-list";
import { HydrateClient, prefetch, trpc } from "@/components/trpc/server";

export const metadata = { title: "Tasks · BuildOS SMS" };

export default function TasksPage() {
  prefetch(trpc.tasks.list.queryOptions());
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">Tasks</h1>
        <TaskList />
      </div>
    </HydrateClient>
  );
}
