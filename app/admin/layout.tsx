import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { LiveAdminUpdates } from "@/components/live/live-updates";
import { requireAdmin } from "@/server/auth/guards";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdmin("/admin");
  return (
    <div>
      <AdminNav />
      <div className="-mt-4 mb-4 flex justify-end">
        <LiveAdminUpdates />
      </div>
      {children}
    </div>
  );
}
