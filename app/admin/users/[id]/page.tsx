import Link from "next/link";
import { notFound } from "next/navigation";
import { UserConversation } from "@/components/admin/users/user-conversation";
import { HydrateClient, prefetch, trpc } from "@/app/_trpc/prefetch";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "User · Admin · BuildOS SMS" };

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin(`/admin/users/${encodeURIComponent(id)}`);
  if (id.length === 0 || id.length > 200) notFound();
  await prefetch(trpc.admin.userConversation.queryOptions({ userId: id }));
  return (
    <HydrateClient>
      <div className="space-y-6">
        <Link href="/admin/users" className="text-sm text-indigo-700 hover:underline">
          ← Users
        </Link>
        <h1 className="text-2xl font-semibold text-slate-900">Conversation</h1>
        <UserConversation userId={id} />
      </div>
    </HydrateClient>
  );
}
