import type { DbOrTx } from "@/db/client";
import { smsOptChanges, type optOutSource } from "@/db/schema";

export type OptChangeSource = (typeof optOutSource.enumValues)[number];

/**
 * Records opt-outs or opt-ins that just happened (one row per user whose state changed), for the
 * dashboard's per-day figures. Call it in the transaction that changed `user_sms_preferences`,
 * with the user ids that change returned, so a no-op (already opted out) records nothing.
 */
export async function recordOptChanges(
  db: DbOrTx,
  changed: { userId: string }[],
  kind: "opt_out" | "opt_in",
  source: OptChangeSource,
  at: Date,
) {
  if (changed.length === 0) return;
  await db.insert(smsOptChanges).values(changed.map(({ userId }) => ({ userId, kind, source, createdAt: at })));
}
