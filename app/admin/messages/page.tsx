import { MessageLog } from "@/components/admin/messages/message-log";
import { HydrateClient, prefetch, trpc } from "@/app/_trpc/prefetch";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "Messages · Admin · BuildOS SMS" };

export default async function MessagesPage() {
  await requireAdmin("/admin/messages");
  await prefetch(trpc.admin.templates.list.queryOptions());
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">Message log</h1>
        <MessageLog />
      </div>
    </HydrateClient>
  );
}
