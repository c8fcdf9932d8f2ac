import { requireUser } from "@/server/auth/guards";
import { env } from "@/server/config/env";
import { phoneCountryOptions } from "@/server/verification/phone-number";
import { countryNames } from "@/common/countries";
import { MESSAGE_HISTORY_PAGE_SIZE } from "@/common/limits";
import { MessageHistory } from "@/components/settings/message-history";
import { PhoneCard } from "@/components/settings/phone-card";
import { PreferencesForm } from "@/components/settings/preferences-form";
import { ReplyHistory } from "@/components/settings/reply-history";
import { TextsSwitchCard } from "@/components/settings/texts-switch-card";
import { HydrateClient, prefetch, prefetchInfinite, trpc } from "@/app/_trpc/prefetch";

export const metadata = { title: "SMS settings · BuildOS SMS" };

export default async function SmsSettingsPage() {
  await requireUser("/settings/sms");
  await Promise.all([
    prefetch(trpc.preferences.get.queryOptions()),
    prefetch(trpc.sms.status.queryOptions()),
    prefetch(trpc.messages.replies.queryOptions()),
    // Same input as the history's query (components/settings/message-history.tsx), so the page
    // hydrates it. A constant imported from a client module would reach this server module as a
    // client reference, not its value, and the keys would differ.
    prefetchInfinite(
      trpc.messages.list.infiniteQueryOptions({ limit: MESSAGE_HISTORY_PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor }),
    ),
  ]);
  const config = env();
  return (
    <HydrateClient>
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">SMS settings</h1>
        <PhoneCard
          countries={phoneCountryOptions()}
          allowedCountries={countryNames(config.SMS_ALLOWED_COUNTRIES)}
          programName={config.SMS_PROGRAM_NAME}
        />
        <TextsSwitchCard programName={config.SMS_PROGRAM_NAME} />
        <PreferencesForm />
        <MessageHistory />
        <ReplyHistory />
      </div>
    </HydrateClient>
  );
}
