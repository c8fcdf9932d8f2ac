import { and, desc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { smsInboundMessages } from "@/db/schema";
import { DomainError } from "../errors";

/**
 * Shared phones are real (a family line, a number passed on), so any account may ask for a code
 * to a number another account has verified, within the per-number limit. Harassment is the
 * risk, and the person holding the phone decides: once the number's latest keyword to us is
 * STOP, no account gets a code sent to it; a START from that phone lifts it. (Verify sends from
 * its own sender, so Twilio's own STOP blocking on our Messaging Service does not cover codes.)
 */
export async function refuseStoppedNumber(db: DbOrTx, e164: string): Promise<void> {
  const [latest] = await db
    .select({ keyword: smsInboundMessages.keyword })
    .from(smsInboundMessages)
    .where(and(eq(smsInboundMessages.from, e164), inArray(smsInboundMessages.keyword, ["stop", "start"])))
    .orderBy(desc(smsInboundMessages.receivedAt))
    .limit(1);
  if (latest?.keyword !== "stop") return;
  throw new DomainError(
    "PRECONDITION_FAILED",
    "This phone number has replied STOP to our texts, so we send it nothing, codes included. To get codes again, text START from that phone, then ask for a new code.",
    { field: "phone" },
  );
}
