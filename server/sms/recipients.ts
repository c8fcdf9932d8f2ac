import { sql, type SQL } from "drizzle-orm";

/**
 * Whether a `user_sms_preferences` row (by its alias in the query) can receive texts at all:
 * a verified phone and no opt-out. Sweeps use it so a user who cannot be texted does not get
 * a skipped message every tick; the send decision still checks again when the text goes out.
 */
export function reachableRecipient(alias: string): SQL {
  return sql.raw(`(${alias}.phone is not null and ${alias}.phone_verified_at is not null and ${alias}.opted_out_at is null)`);
}
