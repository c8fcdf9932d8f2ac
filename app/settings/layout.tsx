import type { ReactNode } from "react";
import { requireUser } from "@/server/auth/guards";

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  await requireUser("/settings/sms");
  return children;
}
