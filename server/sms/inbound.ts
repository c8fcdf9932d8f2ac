import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { smsInboundMessages, userSmsPreferences } from "@/db/schema";
import type { ServiceContext, WebhookActor } from "../service-context";
import { classifyKeyword } from "./keywords";
import { recordOptChanges, type OptChangeSource } from "./opt-changes";
import { helpReply, startReply, stopReply, type ProgramInfo } from "./replies";

export interface InboundText {
  messageSid: string;
  from: string;
  to: string;
  body: string;
}

/**
 * Handles a text a person sent us: STOP-family opts the number's user out, START-family
 * back in, HELP gets the program description. Every text is stored once (by SID), so a
 * redelivered webhook gets the same reply and changes nothing twice.
 */
export async function handleInboundText(
  { db }: ServiceContext<WebhookActor>,
  text: InboundText,
  program: ProgramInfo,
  now = new Date(),
): Promise<{ reply: string | null; duplicate: boolean }> {
  const keyword = classifyKeyword(text.body);
  const reply =
    keyword === "stop" ? stopReply(program) : keyword === "start" ? startReply(program) : keyword === "help" ? helpReply(program) : null;

  return db.transaction(async (tx) => {
    const owner = await tx.query.userSmsPreferences.findFirst({
      columns: { userId: true },
      where: and(eq(userSmsPreferences.phone, text.from), isNotNull(userSmsPreferences.phoneVerifiedAt)),
    });
    const [stored] = await tx
      .insert(smsInboundMessages)
      .values({
        twilioSid: text.messageSid,
        from: text.from,
        to: text.to,
        body: text.body,
        userId: owner?.userId ?? null,
        keyword,
        reply,
        receivedAt: now,
      })
      .onConflictDoNothing({ target: smsInboundMessages.twilioSid })
      .returning({ id: smsInboundMessages.id });
    if (!stored) {
      const previous = await tx.query.smsInboundMessages.findFirst({ where: eq(smsInboundMessages.twilioSid, text.messageSid) });
      return { reply: previous?.reply ?? null, duplicate: true };
    }
    if (keyword === "stop") await optOutNumber(tx, text.from, "keyword", now);
    // START's TwiML reply (startReply) is the opt-in confirmation here: no welcome_sms on top of it.
    if (keyword === "start") await optInNumber(tx, text.from, now);
    return { reply, duplicate: false };
  });
}

/** Marks every user with this number as opted out (when and how are kept if already opted out); each change is recorded. */
export async function optOutNumber(db: DbOrTx, phone: string, source: OptChangeSource, now = new Date()) {
  const changed = await db
    .update(userSmsPreferences)
    .set({ optedOutAt: now, optOutSource: source, optedInAt: null, optInSource: null, updatedAt: now })
    .where(and(eq(userSmsPreferences.phone, phone), isNull(userSmsPreferences.optedOutAt)))
    .returning({ userId: userSmsPreferences.userId });
  await recordOptChanges(db, changed, "opt_out", source, now);
}

/** START from the phone: every opted-out user with this number gets texts again, recorded as a keyword opt-in. */
export async function optInNumber(db: DbOrTx, phone: string, now = new Date()) {
  const changed = await db
    .update(userSmsPreferences)
    .set({ optedOutAt: null, optOutSource: null, optedInAt: now, optInSource: "keyword", updatedAt: now })
    .where(and(eq(userSmsPreferences.phone, phone), isNotNull(userSmsPreferences.optedOutAt)))
    .returning({ userId: userSmsPreferences.userId });
  await recordOptChanges(db, changed, "opt_in", "keyword", now);
}
