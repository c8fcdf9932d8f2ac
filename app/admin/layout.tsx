import type { ReactNode } from "react";
import { requireAdmin } from "@/server/auth/guards";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdmin("/admin");
  return children;
}
