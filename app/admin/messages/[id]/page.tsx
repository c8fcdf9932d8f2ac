import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { MessageDetail } from "@/components/admin/messages/message-detail";
import { HydrateClient, prefetch, trpc } from "@/app/_trpc/prefetch";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "Message · Admin · BuildOS SMS" };

export default async function MessagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin(`/admin/messages/${id}`);
  if (!z.uuid().safeParse(id).success) notFound();
  await prefetch(trpc.admin.messages.get.queryOptions({ id }));
  return (
    <HydrateClient>
      <div className="space-y-6">
        <Link href="/admin/messages" className="text-sm text-indigo-700 hover:underline">
          ← Message log
        </Link>
        <h1 className="text-2xl font-semibold text-slate-900">Message</h1>
        <MessageDetail id={id} />
      </div>
    </HydrateClient>
  );
}
