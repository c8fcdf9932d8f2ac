import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { smsInboundMessages, tasks, userSmsPreferences, users } from "@/db/schema";
import { whatReplyDid } from "../sms/conversations";
import type { AdminActor, ServiceContext } from "../service-context";
import type { SandboxMessage } from "./client";
import { guarded, type SandboxPhoneDeps } from "./deps";

const rfc2822ToDate = (text: string) => new Date(text);

/**
 * Every phone number the sandbox has seen (texts to or from it, verification codes) and every
 * verified number of our users, each with its texts as one conversation (oldest first), the
 * latest verification code, whether the sandbox holds it as opted out, and whose number it is.
 */
export async function sandboxPhoneOverview({ db }: ServiceContext<AdminActor>, deps: SandboxPhoneDeps) {
  if (!deps.available) return { available: false as const, reason: deps.reason };
  const state = await guarded(() => deps.client.state());
  const own = new Set(state.messages.filter((m) => m.direction !== "inbound").flatMap((m) => (m.from ? [m.from] : [])));
  const conversations = new Map<string, SandboxMessage[]>();
  const numberOf = (m: SandboxMessage) => (m.direction === "inbound" ? m.from : m.to);
  for (const message of state.messages) {
    const number = numberOf(message);
    if (!number || own.has(number)) continue;
    conversations.set(number, [...(conversations.get(number) ?? []), message]);
  }
  // Whose numbers these are (verified numbers only): our users' numbers show even before any text.
  const people = await db
    .select({ phone: userSmsPreferences.phone, email: users.email })
    .from(userSmsPreferences)
    .innerJoin(users, eq(users.id, userSmsPreferences.userId))
    .where(and(isNotNull(userSmsPreferences.phone), isNotNull(userSmsPreferences.phoneVerifiedAt)));
  const owners = new Map<string, string[]>();
  for (const row of people) if (row.phone) owners.set(row.phone, [...(owners.get(row.phone) ?? []), row.email]);
  const numbers = new Set([...conversations.keys(), ...state.verifications.map((v) => v.to), ...owners.keys()]);
  // What each text from a phone did in the app (completed a task, snoozed, opted out …), by its SID.
  const inboundSids = state.messages.filter((m) => m.direction === "inbound").map((m) => m.sid);
  const received =
    inboundSids.length === 0
      ? []
      : await db
          .select({
            sid: smsInboundMessages.twilioSid,
            keyword: smsInboundMessages.keyword,
            matchedRule: smsInboundMessages.matchedRule,
            outcome: smsInboundMessages.outcome,
            taskTitle: tasks.title,
          })
          .from(smsInboundMessages)
          .leftJoin(tasks, eq(tasks.id, smsInboundMessages.taskId))
          .where(inArray(smsInboundMessages.twilioSid, inboundSids));
  const didBySid = new Map(received.map((r) => [r.sid, whatReplyDid(r)]));

  const phones = [...numbers].map((number) => {
    const texts = (conversations.get(number) ?? [])
      .map((m) => ({
        sid: m.sid,
        direction: m.direction === "inbound" ? ("from_phone" as const) : ("to_phone" as const),
        body: m.body,
        status: m.status,
        errorCode: m.error_code,
        at: rfc2822ToDate(m.date_created),
        /** For a text from the phone: what it did in the app (null: the app has no record of it). */
        did: m.direction === "inbound" ? (didBySid.get(m.sid) ?? null) : null,
      }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const latestCode = state.verifications
      .filter((v) => v.to === number)
      .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime())[0];
    return {
      number,
      owners: owners.get(number) ?? [],
      optedOutAtSandbox: state.optedOut.includes(number),
      latestCode: latestCode ? { code: latestCode.code, status: latestCode.status, expiresAt: latestCode.expiresAt } : null,
      texts,
      lastActivity: texts[texts.length - 1]?.at ?? latestCode?.dateCreated ?? null,
    };
  });
  phones.sort((a, b) => (b.lastActivity?.getTime() ?? 0) - (a.lastActivity?.getTime() ?? 0) || a.number.localeCompare(b.number));
  const { serverErrors, rateLimits, retryAfterSeconds, dropConnections } = state.faults;
  return { available: true as const, phones, faults: { serverErrors, rateLimits, retryAfterSeconds, dropConnections } };
}
