import { DateTime } from "luxon";
import type postgres from "postgres";
import { FINAL_STATUSES } from "@/common/message-status";
import { quietHoursEnd } from "@/server/sms/quiet-hours";
import type { SandboxMessage } from "./api";
import type { TappedCreate } from "./proxy";
import type { QuietPrefs, RunRecord } from "./record";

/**
 * The invariants, judged from the database, the sandbox's record of every message, the tap's
 * record of every create the app made (to the millisecond) and the soak's own log of what it
 * changed and when. Each is a count of violations; 0 everywhere is a pass.
 */
export interface Invariant {
  name: string;
  checked: number;
  violations: number;
  examples: string[];
}

interface Row {
  id: string;
  user_id: string;
  to: string | null;
  category: string;
  priority: string;
  status: string;
  skip_reason: string | null;
  fail_reason: string | null;
  error_code: number | null;
  twilio_sid: string | null;
  queued_at: Date | null;
  reserved_on: string | null;
  merged_into_id: string | null;
}

/** See the quiet-hours invariant. */
const QUIET_GRACE_MS = 500;

const FINAL = new Set<string>(FINAL_STATUSES);

export async function audit(input: {
  sql: postgres.Sql;
  record: RunRecord;
  creates: TappedCreate[];
  sandboxMessages: SandboxMessage[];
  maxPerSecond: number;
}): Promise<Invariant[]> {
  const { sql, record, creates, sandboxMessages, maxPerSecond } = input;
  // The reserved local date, once the message stores it (issue 18); before that, derived below.
  const [reservedColumn] = await sql<{ column_name: string }[]>`
    select column_name from information_schema.columns
    where table_name = 'sms_messages' and column_name like '%local_date%' limit 1`;
  const reserved = reservedColumn ? sql`m.${sql(reservedColumn.column_name)}::text` : sql`null::text`;
  const rows = await sql<Row[]>`
    select m.id, m.user_id, m."to", m.category::text, m.priority::text, m.status::text, m.skip_reason::text, m.fail_reason,
      m.error_code, m.twilio_sid,
      (select min(e.created_at) from sms_message_events e where e.message_id = m.id and e.status = 'queued') as queued_at,
      ${reserved} as reserved_on,
      -- read through jsonb, so the audit still runs against code from before digests
      to_jsonb(m)->>'merged_into_id' as merged_into_id
    from sms_messages m`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const invariants: Invariant[] = [];
  const add = (name: string, checked: number, problems: string[]) =>
    invariants.push({ name, checked, violations: problems.length, examples: problems.slice(0, 5) });

  // A request answered as failed ("please try again") must have done nothing: a retry would send twice.
  const requestedIds = new Set(record.requested.map((r) => r.messageId));
  const [{ n: testRows } = { n: 0 }] = await sql<{ n: number }[]>`select count(*)::int as n from sms_messages where dedupe_key like 'test:%'`;
  const leftBehind = testRows - requestedIds.size - record.testSendFailures.cutOff;
  add(
    "a test send answered as failed left no text behind",
    record.testSendFailures.answered,
    leftBehind > 0 ? Array.from({ length: leftBehind }, () => `a text exists whose test send answered an error (${record.testSendFailures.answered} answered errors, ${record.testSendFailures.cutOff} cut off)`) : [],
  );

  // 1. Every message final, with its reason.
  add(
    "every text final, with its reason",
    rows.length,
    rows.flatMap((r) => {
      if (!FINAL.has(r.status)) return [`${r.id} still ${r.status}`];
      if (r.status === "skipped" && !r.skip_reason) return [`${r.id} skipped without a reason`];
      if (r.status === "failed" && !r.fail_reason && r.error_code === null) return [`${r.id} failed without a reason`];
      if (r.status === "merged" && !(r.merged_into_id && byId.has(r.merged_into_id))) return [`${r.id} merged into no digest`];
      return [];
    }),
  );

  // The texts Twilio took: the sandbox's outbound messages, by our message id (status callback URL).
  const outbound = sandboxMessages.filter((m) => m.direction === "outbound-api");
  const taken = new Map<string, SandboxMessage[]>();
  const orphans: string[] = [];
  for (const m of outbound) {
    const id = m.status_callback ? new URL(m.status_callback).searchParams.get("m") : null;
    if (!id || !byId.has(id)) {
      orphans.push(`${m.sid} to ${m.to} (message ${id ?? "none"})`);
      continue;
    }
    taken.set(id, [...(taken.get(id) ?? []), m]);
  }
  const createdAt = new Map<string, number>();
  for (const c of creates) if (c.sid && c.status === 201) createdAt.set(c.sid, c.at);
  const sends = [...taken.entries()].flatMap(([id, ms]) => ms.map((m) => ({ row: byId.get(id)!, sid: m.sid, at: createdAt.get(m.sid) ?? null, to: m.to })));

  add(
    "no text sent twice",
    taken.size,
    [...taken.entries()].filter(([, ms]) => ms.length > 1).map(([id, ms]) => `${id}: ${ms.map((m) => m.sid).join(", ")}`),
  );
  add("no Twilio text without its row", outbound.length, orphans);
  add(
    "the row agrees with Twilio (SID kept, not marked unsent)",
    sends.length,
    sends.flatMap(({ row, sid }) => {
      if (row.twilio_sid !== sid) return [`${row.id}: row SID ${row.twilio_sid ?? "none"}, Twilio ${sid} (${row.status})`];
      if (["skipped", "cancelled", "pending", "scheduled", "queued"].includes(row.status)) return [`${row.id}: Twilio has ${sid}, row says ${row.status}`];
      return [];
    }),
  );
  add(
    "no cancelled text sent",
    rows.filter((r) => r.status === "cancelled").length + record.cancels.filter((c) => c.ok).length,
    [
      ...sends.filter((s) => s.row.status === "cancelled").map((s) => `${s.row.id} cancelled, sent as ${s.sid}`),
      ...record.cancels.filter((c) => c.ok && taken.has(c.messageId) && byId.get(c.messageId)?.status !== "cancelled").map((c) => `${c.messageId}: cancel answered ok, but sent`),
    ],
  );

  // Quiet hours as they stood when Twilio got the text (every rule that may have been in force then must agree it was quiet).
  const prefsAt = (userId: string, at: number): QuietPrefs[] => {
    const changes = record.prefs.filter((p) => p.userId === userId);
    let settled: QuietPrefs | null = null;
    const maybe: QuietPrefs[] = [];
    for (const c of changes) {
      if (c.to <= at) settled = c.prefs;
      else if (c.from <= at) maybe.push(c.prefs);
    }
    return [...(settled ? [settled] : []), ...maybe];
  };
  const quietChecked = sends.filter((s) => s.at !== null && s.row.priority !== "urgent" && s.row.category !== "account");
  add(
    "nothing but urgent sent in the recipient's quiet hours",
    quietChecked.length,
    quietChecked.flatMap(({ row, sid, at }) => {
      const candidates = prefsAt(row.user_id, at!);
      const quietAt = (p: QuietPrefs, t: number) =>
        p.quietHoursEnabled && quietHoursEnd(new Date(t), { start: p.quietHoursStart, end: p.quietHoursEnd, timeZone: p.timeZone }) !== null;
      // Quiet both when Twilio got it and QUIET_GRACE_MS before: the app's last look and the hop to
      // Twilio take a moment, so a text checked just before a window opened may land just inside it.
      const quiet = (p: QuietPrefs) => quietAt(p, at!) && quietAt(p, at! - QUIET_GRACE_MS);
      if (candidates.length === 0 || !candidates.every(quiet)) return [];
      const p = candidates[0]!;
      const local = DateTime.fromMillis(at!, { zone: p.timeZone }).toFormat("HH:mm:ss");
      return [`${row.id} (${sid}) at ${local} ${p.timeZone}, quiet ${p.quietHoursStart}–${p.quietHoursEnd}`];
    }),
  );

  // Daily cap: the texts that really count are those Twilio took (every category but account).
  const zoneAt = (userId: string, at: number) => {
    let zone = record.users.get(userId)?.timeZone ?? "UTC";
    for (const c of record.prefs) if (c.userId === userId && c.to <= at) zone = c.prefs.timeZone;
    return zone;
  };
  const counted = sends
    .filter((s) => s.row.category !== "account")
    .map((s) => {
      const queuedAt = s.row.queued_at?.getTime() ?? s.at ?? 0;
      return { ...s, queuedAt, day: s.row.reserved_on ?? DateTime.fromMillis(queuedAt, { zone: zoneAt(s.row.user_id, queuedAt) }).toISODate()! };
    })
    .sort((a, b) => a.queuedAt - b.queuedAt);
  const perDay = new Map<string, typeof counted>();
  for (const s of counted) {
    const key = `${s.row.user_id} ${s.day}`;
    perDay.set(key, [...(perDay.get(key) ?? []), s]);
  }
  // Urgent texts count but are never refused, so they may take a day past the cap; the texts the
  // cap may refuse never can. (Judged without ordering: the recorded decision times are not the
  // order the reservations were made in.)
  const overCap: string[] = [];
  for (const [key, list] of perDay) {
    const cap = record.users.get(list[0]!.row.user_id)?.dailyCap ?? Infinity;
    const refusable = list.filter((s) => s.row.priority !== "urgent");
    if (refusable.length > cap) overCap.push(`${key}: ${refusable.length} texts the cap may refuse (and ${list.length - refusable.length} urgent), cap ${cap}`);
  }
  add("no user over their daily cap on any local date", perDay.size, overCap);
  const counters = await sql<{ user_id: string; local_date: string; count: number }[]>`
    select user_id, local_date::text, count from sms_daily_counters`;
  const counterKeys = new Set(counters.map((c) => `${c.user_id} ${c.local_date}`));
  add("each day's counter equals the texts that count", counters.length, [
    ...counters.flatMap((c) => {
      const really = perDay.get(`${c.user_id} ${c.local_date}`)?.length ?? 0;
      return c.count === really ? [] : [`${c.user_id} ${c.local_date}: counter ${c.count}, texts Twilio took ${really}`];
    }),
    ...[...perDay.entries()].filter(([key]) => !counterKeys.has(key)).map(([key, list]) => `${key}: ${list.length} texts, no counter`),
  ]);

  // Nothing handed to Twilio (accepted or refused) for a user after their STOP reached the app.
  const afterStop: string[] = [];
  for (const w of record.optWindows) {
    for (const c of creates) {
      const row = c.messageId ? byId.get(c.messageId) : undefined;
      if (!row || row.user_id !== w.userId) continue;
      if (c.at > w.stoppedAt && (w.startedAt === null || c.at < w.startedAt)) {
        afterStop.push(`${row.id} (${row.category}) handed to Twilio ${c.at - w.stoppedAt} ms after the STOP (answer ${c.status ?? "cut off"})`);
      }
    }
  }
  add("nothing sent after the STOP reached the app", record.optWindows.length, afterStop);

  // Nothing sent to a number after the user replaced it.
  const oldNumber: string[] = [];
  for (const change of record.numberChanges) {
    for (const s of sends) {
      if (s.row.user_id === change.userId && s.to === change.oldPhone && s.at !== null && s.at > change.at) {
        oldNumber.push(`${s.row.id} to ${change.oldPhone} ${s.at - change.at} ms after the number changed`);
      }
    }
  }
  add("nothing sent to a replaced number", record.numberChanges.length, oldNumber);

  // The throughput cap across both instances. At the moment of sending, what the cap governs: each
  // claim's slot from the app-wide pacer (kept on its `sending` event, the database's clock) —
  // no more than the cap in any one-second window, and no text handed to Twilio without a slot of
  // its own. As Twilio received them (the tap's arrival times) the app's own delay after its slot
  // (event loop, SDK, the hop; on a busy machine up to a second) moves each send, so a send late
  // by 10 ms next to one on time puts cap + 1 into some exact second; arrivals are judged over five
  // seconds, allowing one second's worth of delay (6 × cap + 1), where a doubled rate still shows.
  const slots = await sql<{ message_id: string; at: number }[]>`
    select message_id, extract(epoch from (payload->>'slotAt')::timestamptz)::float8 * 1000 as at
    from sms_message_events where status = 'sending' and payload ? 'slotAt'`;
  const slotTimes = slots.map((x) => Number(x.at)).sort((a, b) => a - b);
  const busiest = (times: number[], windowMs: number, limit: number, describe: (from: number, to: number, n: number) => string) => {
    const problems: string[] = [];
    let worst = 0;
    let first = 0;
    for (let last = 0; last < times.length; last++) {
      while (times[last]! - times[first]! >= windowMs) first++;
      const n = last - first + 1;
      worst = Math.max(worst, n);
      if (n > limit) problems.push(describe(first, last, n));
    }
    return { problems, worst };
  };
  const atSlot = busiest(slotTimes, 1_000, maxPerSecond, (from, to, n) => `${n} slots in ${Math.round(slotTimes[to]! - slotTimes[from]!)} ms from ${new Date(slotTimes[from]!).toISOString()}`);
  add(`throughput ≤ ${maxPerSecond}/s at the moment of sending (pacer slots; busiest second: ${atSlot.worst})`, slotTimes.length, atSlot.problems);

  const slotsPerMessage = new Map<string, number>();
  for (const x of slots) slotsPerMessage.set(x.message_id, (slotsPerMessage.get(x.message_id) ?? 0) + 1);
  const createsPerMessage = new Map<string, number>();
  for (const c of creates) if (c.messageId) createsPerMessage.set(c.messageId, (createsPerMessage.get(c.messageId) ?? 0) + 1);
  add(
    "every create handed to Twilio took a pacer slot of its own",
    creates.length,
    [...createsPerMessage].flatMap(([id, n]) => {
      const had = slotsPerMessage.get(id) ?? 0;
      return n > had ? [`${id}: ${n} creates, ${had} slots`] : [];
    }),
  );

  const ordered = [...creates].sort((a, b) => a.at - b.at);
  const times = ordered.map((c) => c.at);
  const arrivalLimit = 6 * maxPerSecond + 1;
  const second = busiest(times, 1_000, Infinity, () => "");
  const arrivals = busiest(times, 5_000, arrivalLimit, (from, to, n) => {
    const answers = ordered.slice(from, to + 1).map((c) => c.status ?? "cut off").join(" ");
    return `${n} creates in ${times[to]! - times[from]!} ms from ${new Date(times[from]!).toISOString()} (answers: ${answers})`;
  });
  add(
    `throughput as Twilio got it ≤ ${arrivalLimit} in any 5 s (busiest 5 s: ${arrivals.worst}; busiest exact second: ${second.worst})`,
    times.length,
    arrivals.problems,
  );
  return invariants;
}
