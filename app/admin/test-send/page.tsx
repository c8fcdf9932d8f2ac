import { TestSend } from "@/components/admin/test-send/test-send";
import { HydrateClient, prefetch, trpc } from "@/app/_trpc/prefetch";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "Test send · Admin · BuildOS SMS" };

export default async function TestSendPage() {
  await requireAdmin("/admin/test-send");
  await Promise.all([
    prefetch(trpc.admin.templates.list.queryOptions()),
    prefetch(trpc.admin.users.queryOptions({ search: undefined, limit: 50 })),
  ]);
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">Test send</h1>
        <TestSend />
      </div>
    </HydrateClient>
  );
}
