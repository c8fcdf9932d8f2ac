import type { ServiceContext, UserActor } from "../service-context";

/**
 * The program's opt-in confirmation (template `welcome_sms`: program, what and how often, rates,
 * HELP, STOP), sent through the request service so it follows the same send decision and shows
 * in the user's history. The dedupe key makes a repeated call (a retried request) send nothing twice.
 *
 * PENDING: wired to requestSms (server/sms/request.ts) when the pipeline branch lands.
 */
export async function sendOptInConfirmation(_ctx: ServiceContext<UserActor>, _dedupeKey: string): Promise<void> {}
