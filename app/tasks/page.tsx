import { requireUser } from "@/server/auth/guards";
import { TaskList } from "@/components/tasks/task-list";
import { HydrateClient, prefetchInfinite, trpc } from "@/app/_trpc/prefetch";
import { TASKS_PAGE_SIZE } from "@/common/limits";

export const metadata = { title: "Tasks · BuildOS SMS" };

export default async function TasksPage() {
  await requireUser("/tasks");
  // Same input as the list's query (components/tasks/task-list.tsx), so the page hydrates it.
  await prefetchInfinite(
    trpc.tasks.list.infiniteQueryOptions({ limit: TASKS_PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor }),
  );
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">Tasks</h1>
        <TaskList />
      </div>
    </HydrateClient>
  );
}
