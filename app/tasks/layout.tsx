import type { ReactNode } from "react";
import { requireUser } from "@/server/auth/guards";

export default async function TasksLayout({ children }: { children: ReactNode }) {
  await requireUser("/tasks");
  return children;
}
