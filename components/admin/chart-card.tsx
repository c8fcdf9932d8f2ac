"use client";

import { useId, useState, useSyncExternalStore, type ReactNode } from "react";
import { Card } from "../ui/card";

const noSubscription = () => () => {};

/**
 * True in the browser, false while rendering on the server. Charts draw only in the browser:
 * their inline style attributes in server HTML would be refused by the page's CSP (style-src
 * with a nonce), while styles React sets in the browser are not.
 */
function useInBrowser() {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

/**
 * A chart with its figures as a table one click away. The chart is one labelled image to
 * assistive technology; the table is the accessible, exact form of the same numbers.
 */
export function ChartCard({
  title,
  description,
  summary,
  chart,
  table,
}: {
  title: string;
  description?: string;
  /** What the chart shows, read out instead of the drawing. */
  summary: string;
  chart: ReactNode;
  table: ReactNode;
}) {
  const [view, setView] = useState<"chart" | "table">("chart");
  const id = useId();
  const inBrowser = useInBrowser();
  const toggle = (
    <div role="group" aria-label={`${title}: show as`} className="inline-flex shrink-0 rounded-md ring-1 ring-slate-300">
      {(["chart", "table"] as const).map((option) => (
        <button
          key={option}
          type="button"
          aria-pressed={view === option}
          aria-controls={id}
          onClick={() => setView(option)}
          className="px-3 py-1 text-xs font-medium text-slate-700 first:rounded-l-md last:rounded-r-md aria-[pressed=true]:bg-slate-800 aria-[pressed=true]:text-white"
        >
          {option === "chart" ? "Chart" : "Table"}
        </button>
      ))}
    </div>
  );
  return (
    <Card title={title} description={description} actions={toggle}>
      <div id={id}>
        {view === "chart" ? (
          <div role="img" aria-label={summary} className="h-64 w-full">
            {inBrowser ? chart : null}
          </div>
        ) : (
          table
        )}
      </div>
    </Card>
  );
}
