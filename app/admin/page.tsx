import { Dashboard } from "@/components/admin/dashboard";
import { HydrateClient } from "@/app/_trpc/prefetch";
import { requireAdmin } from "@/server/auth/guards";

export const metadata = { title: "Dashboard · Admin · BuildOS SMS" };

export default async function AdminDashboardPage() {
  await requireAdmin("/admin");
  // Not prefetched: its days are in the browser's time zone, which only the browser knows.
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">Delivery dashboard</h1>
        <Dashboard />
      </div>
    </HydrateClient>
  );
}
