import type { ServiceContext, UserActor } from "../service-context";
import { requestSms } from "../sms/request";
import type { Preferences } from "../preferences/service";

/**
 * The program's opt-in confirmation (template `welcome_sms`: program name, what and how often,
 * "Msg & data rates may apply", HELP, STOP), requested through the request service so it follows
 * the same send decision and shows in the user's history. The dedupe key makes a repeated call
 * (a retried request) create nothing twice.
 */
export async function sendOptInConfirmation(
  ctx: ServiceContext<UserActor>,
  { programName, preferences, dedupeKey }: { programName: string; preferences: Pick<Preferences, "dailyCap">; dedupeKey: string },
): Promise<void> {
  await requestSms(ctx, {
    userId: ctx.actor.userId,
    templateKey: "welcome_sms",
    variables: { program_name: programName, daily_cap: String(preferences.dailyCap) },
    dedupeKey,
  });
}
