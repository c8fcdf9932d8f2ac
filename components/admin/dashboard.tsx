"use client";

import { keepPreviousData, skipToken, useQuery } from "@tanstack/react-query";
import { useState, useSyncExternalStore, type ReactNode } from "react";
import { browserTimeZone } from "@/common/time-zones";
import { TimeZonePicker } from "../settings/time-zone-picker";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTRPC } from "../trpc/client";
import { Card } from "../ui/card";
import { Alert, Empty, Loading } from "../ui/states";
import { Table, Td } from "../ui/table";
import { ChartCard } from "./chart-card";
import { count, duration, money, percent, shortDay } from "./format";
import { SKIP_REASONS, words } from "./words";

const DASHBOARD_DAYS = [7, 30, 90] as const;
type Days = (typeof DASHBOARD_DAYS)[number];

const COLORS = { delivered: "#059669", failed: "#dc2626", skipped: "#64748b", other: "#6366f1", optOuts: "#d97706", optIns: "#0284c7" };

function Figure({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-xl font-semibold text-slate-900" data-testid={`figure-${label}`}>
        {value}
      </dd>
      {hint ? <dd className="mt-0.5 text-xs text-slate-500">{hint}</dd> : null}
    </div>
  );
}

/** A bar chart over the period's days: day labels along, counts up, a tooltip and a legend; `children` are its bars. */
function DailyBars({ data, children }: { data: { label: string }[]; children: ReactNode }) {
  return (
    <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 320, height: 256 }}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={{ fontSize: 12 }} interval="preserveStartEnd" minTickGap={16} />
        <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={48} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {children}
      </BarChart>
    </ResponsiveContainer>
  );
}

const noSubscription = () => () => {};

export function Dashboard() {
  const trpc = useTRPC();
  const [days, setDays] = useState<Days>(7);
  // Days are the admin's: the browser's zone unless they pick another (unknown while rendering
  // on the server, so the figures load once the page runs in the browser).
  const browserZone = useSyncExternalStore(
    noSubscription,
    () => browserTimeZone() ?? "Etc/UTC",
    () => null,
  );
  const [chosenZone, setChosenZone] = useState<string | null>(null);
  const timeZone = chosenZone ?? browserZone;
  const summary = useQuery({
    ...trpc.admin.dashboard.queryOptions(timeZone ? { days, timeZone } : skipToken),
    placeholderData: keepPreviousData,
  });

  const picker = (
    <div role="group" aria-label="Period" className="inline-flex rounded-md ring-1 ring-slate-300">
      {DASHBOARD_DAYS.map((option) => (
        <button
          key={option}
          type="button"
          aria-pressed={days === option}
          onClick={() => setDays(option)}
          className="px-3 py-1.5 text-sm font-medium text-slate-700 first:rounded-l-md last:rounded-r-md aria-[pressed=true]:bg-indigo-600 aria-[pressed=true]:text-white"
        >
          {option} days
        </button>
      ))}
    </div>
  );

  const zonePicker = timeZone ? (
    <div className="w-full max-w-sm">
      <TimeZonePicker
        label="Days in"
        name="dashboardTimeZone"
        value={timeZone}
        onChange={setChosenZone}
        hint={timeZone === browserZone ? "Your browser's time zone." : "Not your browser's time zone."}
      />
    </div>
  ) : null;

  if (summary.isPending) return <Loading label="Loading the dashboard…" />;
  if (summary.isError) return <Alert>Could not load the dashboard: {summary.error.message}</Alert>;
  const s = summary.data;
  const daily = s.daily.map((d) => ({ ...d, label: shortDay(d.day), other: d.requested - d.delivered - d.failed - d.skipped }));
  const skipped = Object.entries(s.skippedByReason).sort((a, b) => b[1] - a[1]);

  return (
    <div className="space-y-6" aria-busy={summary.isFetching}>
      <div className="flex flex-wrap items-end justify-between gap-3">
        {zonePicker}
        {picker}
      </div>
      <p className="text-sm text-slate-600" data-testid="dashboard-days">
        {shortDay(s.from)} – {shortDay(s.to)}: days from midnight to midnight in {s.timeZone}, today so far included.
        {s.hourlyEdges ? " This zone is off UTC by part of an hour, and texts are counted by the UTC hour they were requested in, so a day's first or last minutes may count with the day next to it." : ""}
      </p>

      <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Figure label="Requested" value={count(s.totals.requested)} />
        <Figure label="Sent" value={count(s.totals.sent)} />
        <Figure label="Delivered" value={count(s.totals.delivered)} />
        <Figure label="Delivery rate" value={percent(s.deliveryRate)} hint="delivered ÷ (delivered + undelivered + failed)" />
        <Figure label="Undelivered" value={count(s.totals.undelivered)} />
        <Figure label="Failed" value={count(s.totals.failed)} />
        <Figure label="Skipped" value={count(s.totals.skipped)} />
        <Figure label="In flight" value={count(s.totals.inFlight)} hint={`cancelled: ${count(s.totals.cancelled)}`} />
        <Figure label="Merged into digests" value={count(s.totals.merged)} hint="held through quiet hours, sent in one digest (each digest is also counted as a text)" />
        <Figure
          label="Median time to delivery"
          value={duration(s.latencySeconds.p50)}
          hint={`p90 ${duration(s.latencySeconds.p90)}; from when each text was due to go (its send time, or the end of quiet hours)`}
        />
        <Figure label="Verified users" value={count(s.people.verified)} hint={`opted out: ${count(s.people.optedOut)}`} />
        <Figure label="Estimated cost" value={money(s.cost.estimated, s.cost.unit)} hint={`fetched prices: ${money(s.cost.known, s.cost.unit)}`} />
      </dl>

      <ChartCard
        title="Texts per day"
        description={`By the day they were requested, midnight to midnight in ${s.timeZone}.`}
        summary={`Texts per day from ${shortDay(s.from)} to ${shortDay(s.to)}: ${count(s.totals.requested)} requested, ${count(s.totals.delivered)} delivered.`}
        chart={
          <DailyBars data={daily}>
            <Bar dataKey="delivered" name="Delivered" stackId="t" fill={COLORS.delivered} />
            <Bar dataKey="failed" name="Failed or undelivered" stackId="t" fill={COLORS.failed} />
            <Bar dataKey="skipped" name="Skipped" stackId="t" fill={COLORS.skipped} />
            <Bar dataKey="other" name="In flight or cancelled" stackId="t" fill={COLORS.other} />
          </DailyBars>
        }
        table={
          <Table head={["Day", "Requested", "Delivered", "Failed or undelivered", "Skipped"]}>
            {daily.map((d) => (
              <tr key={d.day}>
                <Td className="whitespace-nowrap">{d.label}</Td>
                <Td>{count(d.requested)}</Td>
                <Td>{count(d.delivered)}</Td>
                <Td>{count(d.failed)}</Td>
                <Td>{count(d.skipped)}</Td>
              </tr>
            ))}
          </Table>
        }
      />

      <ChartCard
        title="Opt-outs and opt-ins per day"
        description={`By the day they happened, midnight to midnight in ${s.timeZone}.`}
        summary={`Opt-outs: ${count(daily.reduce((n, d) => n + d.optOuts, 0))}, opt-ins: ${count(daily.reduce((n, d) => n + d.optIns, 0))} in the period.`}
        chart={
          <DailyBars data={daily}>
            <Bar dataKey="optOuts" name="Opt-outs" fill={COLORS.optOuts} />
            <Bar dataKey="optIns" name="Opt-ins" fill={COLORS.optIns} />
          </DailyBars>
        }
        table={
          <Table head={["Day", "Opt-outs", "Opt-ins"]}>
            {daily.map((d) => (
              <tr key={d.day}>
                <Td className="whitespace-nowrap">{d.label}</Td>
                <Td>{count(d.optOuts)}</Td>
                <Td>{count(d.optIns)}</Td>
              </tr>
            ))}
          </Table>
        }
      />

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Skipped, by reason">
          {skipped.length === 0 ? (
            <Empty>No texts were skipped.</Empty>
          ) : (
            <Table head={["Reason", "Texts"]}>
              {skipped.map(([reason, n]) => (
                <tr key={reason}>
                  <Td>{words(SKIP_REASONS, reason)}</Td>
                  <Td>{count(n)}</Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        <Card title="Top templates">
          {s.topTemplates.length === 0 ? (
            <Empty>No texts in this period.</Empty>
          ) : (
            <Table head={["Template", "Texts"]}>
              {s.topTemplates.map((t) => (
                <tr key={t.templateId}>
                  <Td>
                    {t.name ?? "(deleted)"} <span className="font-mono text-xs text-slate-500">{t.key}</span>
                  </Td>
                  <Td>{count(t.messages)}</Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>

      <Card title="Twilio error codes" description="Why texts failed or were not delivered.">
        {s.errorCodes.length === 0 ? (
          <Empty>No errors in this period.</Empty>
        ) : (
          <Table head={["Code", "What it means", "Texts"]}>
            {s.errorCodes.map((e) => (
              <tr key={e.code}>
                <Td className="font-mono">{e.code}</Td>
                <Td>{e.meaning ?? "No description for this code yet."}</Td>
                <Td>{count(e.messages)}</Td>
              </tr>
            ))}
          </Table>
        )}
      </Card>

      <Card title="Refused phone verifications" description="Codes not sent or checked: line-type check, Twilio Verify fraud, geography and attempt limits.">
        {s.verificationRefusals.length === 0 ? (
          <Empty>No refused verifications in this period.</Empty>
        ) : (
          <Table head={["Reason", "Refused"]}>
            {s.verificationRefusals.map((r) => (
              <tr key={r.reason}>
                <Td>{r.label}</Td>
                <Td>{count(r.refusals)}</Td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </div>
  );
}
