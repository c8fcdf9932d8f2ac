import { requireAdmin } from "@/server/auth/guards";
import { AdminOverview } from "@/components/admin/admin-overview";
import { HydrateClient, prefetch, trpc } from "@/components/trpc/server";

export const metadata = { title: "Admin · BuildOS SMS" };

export default async function AdminPage() {
  await requireAdmin("/admin");
  await Promise.all([prefetch(trpc.admin.templates.list.queryOptions()), prefetch(trpc.admin.users.queryOptions())]);
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">Admin</h1>
        <AdminOverview />
      </div>
    </HydrateClient>
  );
}
