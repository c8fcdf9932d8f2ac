import type { ReactNode } from "react";

export function Table({ head, children }: { head: string[]; children: ReactNode }) {
  return (
    // Focusable, so a keyboard can scroll a table wider than a phone screen (axe: scrollable-region-focusable).
    <div className="overflow-x-auto focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600" tabIndex={0}>
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-3 py-2 text-left font-semibold text-slate-700">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

export function Td({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <td className={`px-3 py-2 text-slate-700 ${className}`}>{children}</td>;
}
