import { sql, type SQL } from "drizzle-orm";
import { FINAL_STATUSES, type FinalStatus } from "@/common/message-status";
import type { smsStatus } from "@/db/schema";
import type { MessageStatus } from "./provider";

export type SmsStatus = (typeof smsStatus.enumValues)[number];

/**
 * How far along the lifecycle a status is. A status is applied only when it moves the
 * message forward, so late or duplicated callbacks never move it back; terminal states
 * share the top rank, so one terminal state never replaces another.
 */
export const STATUS_RANK: Record<SmsStatus, number> = {
  pending: 0,
  scheduled: 1,
  queued: 2,
  sending: 3,
  unknown: 3,
  sent: 4,
  ...(Object.fromEntries(FINAL_STATUSES.map((status) => [status, 9])) as Record<FinalStatus, number>),
};
// Every final status is one of ours (the spread above is not checked for unknown keys).
FINAL_STATUSES satisfies readonly SmsStatus[];

/** Our status for a Twilio status, or null for statuses that say nothing about an outbound text. */
export function statusFromTwilio(status: MessageStatus): SmsStatus | null {
  switch (status) {
    case "queued":
    case "accepted":
      return "queued";
    case "scheduled":
      return "scheduled";
    case "sending":
      return "sending";
    case "sent":
    case "partially_delivered":
      return "sent";
    case "delivered":
    case "read":
      return "delivered";
    case "undelivered":
      return "undelivered";
    case "failed":
      return "failed";
    case "canceled":
      return "cancelled";
    case "receiving":
    case "received":
      return null;
  }
}

const rankCases = Object.entries(STATUS_RANK)
  .map(([status, rank]) => `when '${status}' then ${rank}`)
  .join(" ");

/** `STATUS_RANK` as a SQL expression over a status column, for monotonic updates in one statement. */
export function statusRankSql(column: SQL): SQL {
  return sql`(case ${column} ${sql.raw(rankCases)} end)`;
}

/** The same expression as plain SQL text, for statements prepared from fixed text (`preparedRows`). */
export function statusRankSqlText(column: string): string {
  return `(case ${column} ${rankCases} end)`;
}
