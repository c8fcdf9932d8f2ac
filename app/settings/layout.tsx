import type { ReactNode } from "react";
import { LiveUserUpdates } from "@/components/live/live-updates";
import { requireUser } from "@/server/auth/guards";

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  await requireUser("/settings/sms");
  return (
    <div>
      <div className="mb-2 flex justify-end">
        <LiveUserUpdates />
      </div>
      {children}
    </div>
  );
}
