import { requireUser } from "@/server/auth/guards";
import { MessageHistory } from "@/components/settings/message-history";
import { PreferencesForm } from "@/components/settings/preferences-form";
import { HydrateClient, prefetch, trpc } from "@/components/trpc/server";
import { MESSAGE_HISTORY_PAGE_SIZE } from "@/common/limits";

export const metadata = { title: "SMS settings · BuildOS SMS" };

export default async function SmsSettingsPage() {
  await requireUser("/settings/sms");
  await Promise.all([prefetch(trpc.preferences.get.queryOptions()), prefetch(trpc.messages.list.queryOptions({ limit: MESSAGE_HISTORY_PAGE_SIZE }))]);
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">SMS settings</h1>
        <PreferencesForm timeZones={Intl.supportedValuesOf("timeZone")} />
        <MessageHistory />
      </div>
    </HydrateClient>
  );
}
