import { Dashboard } from "@/components/admin/dashboard";
import { HydrateClient, prefetch, trpc } from "@/app/_trpc/prefetch";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "Dashboard · Admin · BuildOS SMS" };

export default async function AdminDashboardPage() {
  await requireAdmin("/admin");
  await prefetch(trpc.admin.dashboard.queryOptions({ days: 7 }));
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">Delivery dashboard</h1>
        <Dashboard />
      </div>
    </HydrateClient>
  );
}
