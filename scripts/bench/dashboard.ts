/**
 * npm run bench:dashboard — every admin dashboard and log query on PostgreSQL over BENCH_MESSAGES
 * (1,000,000) messages spread over 90 days, each beside a naive version of the same question
 * asked in the same process.
 *
 * Seeding: INSERT … SELECT generate_series (users with verified numbers, four templates, the
 * messages with a realistic mix of statuses, skip reasons, error codes, latencies and prices,
 * inserted in the order they were requested, as the app writes them — BENCH_SEED_ORDER=random
 * scatters them instead, the worst case for a day's reads,
 * events for the newest 100,000, opt changes), then ANALYZE, then the stats rollup's first run
 * (its time is printed: the cron's backfill).
 *
 * Measured, BENCH_RUNS (50) runs each after 3 warm-up runs, p50 and p95:
 *   - the dashboard summary for 7, 30 and 90 days (the app's service), against the naive
 *     version: the same figures aggregated straight over sms_messages (percentile_cont for
 *     the latency), with index scans off — "no index" — as the design's anchor measured them;
 *   - the template list with its 30-day figures, against the same aggregate over sms_messages;
 *   - the message log's first page and a deep page (cursor 10,000 rows in, or half the matches)
 *     for no filter and each filter, against OFFSET paging of the same filter with index scans off;
 *   - a message's detail, and the users search.
 * Target: every query's p95 ≤ 50 ms. Nothing here is asserted: the table is the result.
 *
 * Env: BENCH_DATABASE_URL (else TEST_DATABASE_URL, else Debian's PostgreSQL is started),
 *      BENCH_MESSAGES (1000000), BENCH_USERS (10000), BENCH_RUNS (50), BENCH_NAIVE_RUNS (= BENCH_RUNS),
 *      BENCH_SEED_ORDER (time; random), BENCH_REUSE=1 (keep the database a previous run seeded).
 */
import { sql, type SQL } from "drizzle-orm";
import { executeRows, openDb, type Db } from "@/db/client";
import { dashboardSummary, type DashboardRange } from "@/server/dashboard/admin-queries";
import { refreshDailyStats, utcDayStart } from "@/server/dashboard/rollup";
import { getMessageForAdmin, listMessageLog, type MessageLogQuery } from "@/server/messages/admin-queries";
import type { AdminActor, ServiceContext } from "@/server/service-context";
import { listTemplatesForAdmin } from "@/server/templates/admin-queries";
import { DEFAULT_TEMPLATES } from "@/server/templates/defaults";
import { ensureTemplate } from "@/server/templates/service";
import { searchUsersForAdmin } from "@/server/users/admin-queries";
import { freshDatabase } from "./lib/database";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const NAIVE_RUNS = Number(process.env.BENCH_NAIVE_RUNS ?? RUNS);
const SEED_ORDER = process.env.BENCH_SEED_ORDER === "random" ? "random" : "time";
const WARMUP = 3;
const DEEP_OFFSET = 10_000;
const PAGE = 50;
const TARGET_MS = 50;
const DAY_MS = 86_400_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`  ${label}: ${seconds(performance.now() - started)}`);
  return result;
}

async function seed(db: Db, now: Date) {
  for (const template of DEFAULT_TEMPLATES) await ensureTemplate(db, template);
  const templates = await executeRows<{ id: string; version_id: string; category: string }>(
    db,
    sql`select t.id, v.id as version_id, t.category::text as category from sms_templates t
        join sms_template_versions v on v.template_id = t.id and v.version = t.current_version order by t.key`,
  );
  const values = sql.join(
    templates.map((t, i) => sql`(${i + 1}::int, ${t.id}::uuid, ${t.version_id}::uuid, ${t.category}::sms_category)`),
    sql`, `,
  );
  const nowIso = now.toISOString();
  await timed(`${USERS.toLocaleString("en")} users with verified numbers`, async () => {
    await executeRows(
      db,
      sql`insert into users (id, name, email, created_at, updated_at)
          select 'bench-' || u, 'Bench user ' || u, 'bench-' || u || '@bench.test',
                 ${nowIso}::timestamptz - (u || ' minutes')::interval, ${nowIso}::timestamptz
          from generate_series(1, ${USERS}::int) as u`,
    );
    await executeRows(
      db,
      sql`insert into user_sms_preferences (user_id, phone, phone_verified_at, opted_out_at, opt_out_source)
          select 'bench-' || u, '+1555' || lpad(u::text, 7, '0'), ${nowIso}::timestamptz - interval '100 days',
                 case when u % 50 = 0 then ${nowIso}::timestamptz - (u % 90 || ' days')::interval end,
                 case when u % 50 = 0 then 'keyword'::opt_out_source end
          from generate_series(1, ${USERS}::int) as u`,
    );
  });
  const chunk = 200_000;
  // Time order: message i is the i-th requested, give or take its slot (an app inserts as texts are
  // asked for, so a day's rows share pages). Random order scatters each day over the whole table.
  const createdAgo = SEED_ORDER === "time" ? sql`((${MESSAGES}::int - i + random()) / ${MESSAGES}::float8)` : sql`random()`;
  await timed(`${MESSAGES.toLocaleString("en")} messages over 90 days`, async () => {
    for (let start = 1; start <= MESSAGES; start += chunk) {
      const end = Math.min(MESSAGES, start + chunk - 1);
      await executeRows(
        db,
        sql`
        with src as (
          select i, 1 + (i % ${USERS}::int) as u, 1 + (i % ${templates.length}::int) as ti,
                 ${nowIso}::timestamptz - ${createdAgo} * interval '90 days' as created, random() as r, random() as r2
          from generate_series(${start}::int, ${end}::int) as i
        ),
        shaped as (
          select src.*, case when r < 0.85 then 'delivered' when r < 0.88 then 'undelivered' when r < 0.90 then 'failed'
                             when r < 0.97 then 'skipped' when r < 0.98 then 'cancelled' else 'sent' end::sms_status as st,
                 1 + (i % 10 = 0)::int as seg
          from src
        )
        insert into sms_messages (user_id, "to", body, template_id, template_version_id, template_vars, category, priority,
          status, skip_reason, sent_at, delivered_at, error_code, segments, encoding, price, price_unit, dedupe_key,
          created_at, updated_at)
        select 'bench-' || s.u,
               case when s.st = 'skipped' and s.i % 4 = 3 then null else '+1555' || lpad(s.u::text, 7, '0') end,
               'Bench text ' || s.i, t.id, t.vid, '{}'::jsonb, t.cat, 'normal', s.st,
               case when s.st = 'skipped' then (array['opted_out', 'daily_cap', 'category_off', 'unverified'])[1 + s.i % 4]::sms_skip_reason end,
               case when s.st in ('delivered', 'undelivered', 'failed', 'sent') then s.created + interval '1 second' end,
               case when s.st = 'delivered' then s.created + (1 + power(s.r2, 3) * 900) * interval '1 second' end,
               case when s.st = 'undelivered' then (array[30003, 30005, 30007])[1 + s.i % 3]
                    when s.st = 'failed' then (array[21211, 30006])[1 + s.i % 2] end,
               s.seg, 'GSM-7',
               case when s.st = 'delivered' and s.r2 < 0.8 then -0.0079 * s.seg end,
               case when s.st = 'delivered' and s.r2 < 0.8 then 'USD' end,
               'bench:' || s.i, s.created, s.created
        from shaped s join (values ${values}) as t(ti, id, vid, cat) on t.ti = s.ti`,
      );
    }
  });
  await timed("events for the newest 100,000 messages", () =>
    executeRows(
      db,
      sql`insert into sms_message_events (message_id, status, source, applied, created_at)
          select m.id, e.status, e.source::sms_event_source, true, m.created_at + e.n * interval '1 second'
          from (select id, status, created_at from sms_messages order by created_at desc limit 100000) m
          cross join lateral (values (0, 'pending', 'api'), (1, 'queued', 'system'), (2, m.status::text, 'callback')) as e(n, status, source)`,
    ),
  );
  await timed("opt changes", () =>
    executeRows(
      db,
      sql`insert into sms_opt_changes (user_id, kind, source, created_at)
          select 'bench-' || (1 + i % ${USERS}::int), case when i % 3 = 0 then 'opt_in' else 'opt_out' end, 'keyword',
                 ${nowIso}::timestamptz - random() * interval '90 days'
          from generate_series(1, 5000) as i`,
    ),
  );
  await timed("vacuum analyze", () => executeRows(db, sql`vacuum analyze`));
}

interface Timing {
  p50: number;
  p95: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;

async function measure(runs: number, work: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < WARMUP; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

/** The naive version runs with index scans off: the plan a table without the supporting indexes gets. */
async function withoutIndexes(db: Db, statements: SQL[]) {
  await db.transaction(async (tx) => {
    await executeRows(tx, sql`set local enable_indexscan = off`);
    await executeRows(tx, sql`set local enable_bitmapscan = off`);
    await executeRows(tx, sql`set local enable_indexonlyscan = off`);
    for (const statement of statements) await executeRows(tx, statement);
  });
}

/** The dashboard's figures aggregated straight over sms_messages for [from, now]. */
function naiveDashboard(from: Date): SQL[] {
  const since = sql`created_at >= ${from.toISOString()}::timestamptz`;
  return [
    sql`select status, skip_reason, price_unit, count(*), count(sent_at), sum(segments), sum(abs(price)) from sms_messages where ${since} group by 1, 2, 3`,
    sql`select (created_at at time zone 'UTC')::date, status, count(*) from sms_messages where ${since} group by 1, 2`,
    sql`select error_code, count(*) from sms_messages where ${since} and error_code is not null group by 1`,
    sql`select template_id, count(*) from sms_messages where ${since} group by 1 order by 2 desc limit 5`,
    sql`select percentile_cont(array[0.5, 0.9]) within group (order by extract(epoch from delivered_at - created_at))
        from sms_messages where ${since} and status = 'delivered'`,
    sql`select (created_at at time zone 'UTC')::date, kind, count(*) from sms_opt_changes where created_at >= ${from.toISOString()}::timestamptz group by 1, 2`,
    sql`select count(*) filter (where phone_verified_at is not null and opted_out_at is null), count(*) filter (where opted_out_at is not null) from user_sms_preferences`,
  ];
}

/** The log's filter as plain SQL, for OFFSET paging. */
function naiveLogWhere(query: MessageLogQuery, userId: string | null): SQL {
  const parts: SQL[] = [sql`true`];
  if (query.status) parts.push(sql`m.status = ${query.status}`);
  if (query.templateId) parts.push(sql`m.template_id = ${query.templateId}::uuid`);
  if (query.category) parts.push(sql`m.category = ${query.category}`);
  if (query.recipient?.startsWith("+")) parts.push(sql`m."to" = ${query.recipient}`);
  else if (query.recipient && userId) parts.push(sql`m.user_id = ${userId}`);
  if (query.from) parts.push(sql`m.created_at >= ${query.from.toISOString()}::timestamptz`);
  if (query.to) parts.push(sql`m.created_at < ${query.to.toISOString()}::timestamptz`);
  return sql.join(parts, sql` and `);
}

function naiveLogPage(query: MessageLogQuery, userId: string | null, offset: number): SQL {
  return sql`select m.id, m.created_at, m.status, m.category, m.priority, m."to", m.body, m.skip_reason, m.error_code, t.key, u.email
             from sms_messages m left join sms_templates t on t.id = m.template_id join users u on u.id = m.user_id
             where ${naiveLogWhere(query, userId)}
             order by m.created_at desc, m.id desc limit ${PAGE}::int offset ${offset}::int`;
}

async function main() {
  const reuse = process.env.BENCH_REUSE === "1";
  // One database for each seed order, so BENCH_REUSE keeps the order asked for.
  const databaseUrl = await freshDatabase(SEED_ORDER === "time" ? "bench_dashboard" : "bench_dashboard_random", { reuse });
  const handle = openDb({ kind: "postgres", url: databaseUrl, poolSize: 4 });
  await handle.migrate();
  const db = handle.db;
  const now = new Date();
  const [seeded] = await executeRows<{ n: number | string }>(db, sql`select count(*) as n from sms_messages`);
  if (reuse && Number(seeded?.n) >= MESSAGES) {
    console.log(`Reusing ${Number(seeded?.n).toLocaleString("en")} seeded messages (BENCH_REUSE=1).`);
    await executeRows(db, sql`delete from sms_stats_daily`);
    await executeRows(db, sql`delete from sms_latency_daily`);
  } else {
    console.log(`Seeding PostgreSQL (${new URL(databaseUrl).pathname.slice(1)}), messages in ${SEED_ORDER} order:`);
    await seed(db, now);
  }
  await timed("stats rollup, first run (backfill of 90 days)", () => refreshDailyStats(db, now));
  await timed("stats rollup, a cron tick (the last two closed days)", () => refreshDailyStats(db, now));

  const admin = await executeRows<{ id: string }>(
    db,
    sql`insert into users (id, name, email, role) values ('bench-admin', 'Admin', 'admin@bench.test', 'admin')
        on conflict (id) do update set role = 'admin' returning id`,
  );
  const ctx: ServiceContext<AdminActor> = { db, actor: { type: "admin", userId: admin[0]!.id }, jobs: { send: async () => {} } };
  const [template] = await executeRows<{ id: string }>(db, sql`select id from sms_templates where key = 'task_reminder'`);
  const user = "bench-42";
  const rows: { query: string; smart: Timing; naive: Timing | null }[] = [];
  const record = async (query: string, smart: () => Promise<unknown>, naive: (() => Promise<unknown>) | null) => {
    const row = { query, smart: await measure(RUNS, smart), naive: naive ? await measure(NAIVE_RUNS, naive) : null };
    rows.push(row);
    const n = row.naive ? `  naive p50 ${row.naive.p50.toFixed(1)} ms` : "";
    console.log(`  ${query}: p50 ${row.smart.p50.toFixed(1)} ms, p95 ${row.smart.p95.toFixed(1)} ms${n}`);
  };

  console.log(`\nMeasuring (${RUNS} runs each, naive ${NAIVE_RUNS}):`);
  for (const days of [7, 30, 90] as DashboardRange[]) {
    const from = new Date(utcDayStart(now).getTime() - (days - 1) * DAY_MS);
    await record(`dashboard ${days} days`, () => dashboardSummary(ctx, { days, timeZone: "Etc/UTC" }, now), () => withoutIndexes(db, naiveDashboard(from)));
  }
  await record(
    "templates with 30-day figures",
    () => listTemplatesForAdmin(ctx, now),
    () =>
      withoutIndexes(db, [
        sql`select t.id, count(*) filter (where m.sent_at is not null), count(*) filter (where m.status = 'delivered')
            from sms_templates t left join sms_messages m on m.template_id = t.id and m.created_at >= ${new Date(now.getTime() - 30 * DAY_MS).toISOString()}::timestamptz
            group by t.id`,
      ]),
  );

  const week = { from: new Date(now.getTime() - 7 * DAY_MS), to: now };
  const older = { from: new Date(now.getTime() - 67 * DAY_MS), to: new Date(now.getTime() - 60 * DAY_MS) };
  const filters: [string, Omit<MessageLogQuery, "limit" | "cursor">][] = [
    ["no filter", {}],
    ["status failed", { status: "failed" }],
    ["status delivered", { status: "delivered" }],
    ["template", { templateId: template!.id }],
    ["category daily_brief", { category: "daily_brief" }],
    ["user by email", { recipient: `${user}@bench.test` }],
    ["phone", { recipient: "+15550000042" }],
    ["last 7 days", week],
    ["a week 60 days ago", older],
    ["status undelivered + category", { status: "undelivered", category: "task_reminders" }],
    ["template + last 7 days", { templateId: template!.id, ...week }],
    ["status failed + 60 days ago", { status: "failed", ...older }],
  ];
  for (const [name, filter] of filters) {
    const query: MessageLogQuery = { ...filter, limit: PAGE };
    const [{ n } = { n: 0 }] = await executeRows<{ n: number }>(db, sql`select count(*)::int as n from sms_messages m where ${naiveLogWhere(query, user)}`);
    const offset = Math.min(DEEP_OFFSET, Math.floor(Number(n) / 2));
    const [at] = await executeRows<{ created_at: string | Date; id: string }>(
      db,
      sql`select created_at, id from sms_messages m where ${naiveLogWhere(query, user)} order by created_at desc, id desc offset ${offset}::int limit 1`,
    );
    await record(`log ${name}: first page (${Number(n).toLocaleString("en")} match)`, () => listMessageLog(ctx, query), () =>
      withoutIndexes(db, [naiveLogPage(query, user, 0)]),
    );
    if (at) {
      const cursor = { createdAt: new Date(at.created_at), id: at.id };
      await record(`log ${name}: deep page (${offset.toLocaleString("en")} in)`, () => listMessageLog(ctx, { ...query, cursor }), () =>
        withoutIndexes(db, [naiveLogPage(query, user, offset)]),
      );
    }
  }
  const [recent] = await executeRows<{ id: string }>(db, sql`select id from sms_messages order by created_at desc limit 1`);
  await record("message detail (events, audit, retries)", () => getMessageForAdmin(ctx, recent!.id), () =>
    withoutIndexes(db, [
      sql`select * from sms_messages where id = ${recent!.id}::uuid`,
      sql`select * from sms_message_events where message_id = ${recent!.id}::uuid order by created_at, id`,
      sql`select * from admin_audit_log where target_type = 'message' and target_id = ${recent!.id}`,
      sql`select id from sms_messages where retry_of_id = ${recent!.id}::uuid`,
    ]),
  );
  await record("users: first page", () => searchUsersForAdmin(ctx, { textableOnly: false, limit: 25 }, now), null);
  await record("users: part of an email", () => searchUsersForAdmin(ctx, { search: "bench-42@", textableOnly: false, limit: 25 }, now), null);
  await record("users: a phone number", () => searchUsersForAdmin(ctx, { search: "+1 555 000 0042", textableOnly: false, limit: 25 }, now), null);

  const pad = (text: string, width: number) => text.padEnd(width);
  const ms = (value: number | undefined) => (value === undefined ? "–" : value.toFixed(1));
  const width = Math.max(...rows.map((r) => r.query.length)) + 2;
  console.log(`\n${MESSAGES.toLocaleString("en")} messages inserted in ${SEED_ORDER} order, PostgreSQL, Node ${process.version}; ms; target p95 ≤ ${TARGET_MS} ms\n`);
  console.log(`${pad("query", width)}${pad("p50", 9)}${pad("p95", 9)}${pad("naive p50", 11)}${pad("naive p95", 11)}${pad("speed-up", 10)}target`);
  for (const row of rows) {
    const speedup = row.naive ? `${(row.naive.p50 / row.smart.p50).toFixed(0)}×` : "–";
    console.log(
      `${pad(row.query, width)}${pad(ms(row.smart.p50), 9)}${pad(ms(row.smart.p95), 9)}${pad(ms(row.naive?.p50), 11)}${pad(ms(row.naive?.p95), 11)}${pad(speedup, 10)}${row.smart.p95 <= TARGET_MS ? "ok" : "MISSED"}`,
    );
  }
  const missed = rows.filter((r) => r.smart.p95 > TARGET_MS).length;
  console.log(`\n${rows.length - missed} of ${rows.length} queries within ${TARGET_MS} ms at p95.`);
  await handle.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
