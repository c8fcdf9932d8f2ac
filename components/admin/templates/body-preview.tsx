"use client";

import type { BodyCheck } from "@/server/templates/body-check";
import { Alert } from "../../ui/states";

/** The text as sent, with each character that forces UCS-2 marked. */
function HighlightedPreview({ check }: { check: BodyCheck }) {
  const marked = new Map(check.nonGsm.map((c) => [c.index, c]));
  const parts: React.ReactNode[] = [];
  let plain = "";
  let index = 0;
  for (const char of check.preview) {
    const hit = marked.get(index);
    if (hit) {
      if (plain) parts.push(plain);
      plain = "";
      const label = hit.replacement === null ? `"${char}" forces UCS-2` : `"${char}" forces UCS-2; its look-alike is "${hit.replacement}"`;
      parts.push(
        <span key={index}>
          <mark title={label} data-testid="ucs2-char" className="rounded bg-amber-200 px-0.5 text-amber-950">
            {char === "\u00A0" || char.trim() === "" ? "·" : char}
          </mark>
          <span className="sr-only"> ({label})</span>
        </span>,
      );
    } else {
      plain += char;
    }
    index += char.length;
  }
  if (plain) parts.push(plain);
  return <p className="whitespace-pre-wrap break-words rounded-md bg-slate-50 p-3 font-mono text-sm text-slate-900 ring-1 ring-slate-200">{parts}</p>;
}

/**
 * Live figures for a body: characters, encoding, segments, the marked preview, and what a save
 * would refuse or warn about. `onFixLookalikes` replaces curly quotes, long dashes and odd spaces.
 */
/** One figure of the preview's summary; `warn` colours a figure that costs more than it should. */
function Stat({ label, testId, warn = false, children }: { label: string; testId: string; warn?: boolean; children: React.ReactNode }) {
  return (
    <div className="rounded-md bg-slate-50 p-2 ring-1 ring-slate-200">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className={`font-semibold ${warn ? "text-amber-700" : "text-slate-900"}`} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export function BodyPreview({ check, onFixLookalikes }: { check: BodyCheck; onFixLookalikes: () => void }) {
  const fixable = check.nonGsm.filter((c) => c.replacement !== null).length;
  return (
    <section aria-label="Preview" className="space-y-3">
      <dl className="grid grid-cols-3 gap-2 text-center" aria-live="polite">
        <Stat label="Characters" testId="preview-characters">
          {check.characters}
        </Stat>
        <Stat label="Encoding" testId="preview-encoding" warn={check.encoding === "UCS-2"}>
          {check.encoding}
        </Stat>
        <Stat label="Segments" testId="preview-segments">
          {check.segments}
        </Stat>
      </dl>
      <div>
        <h3 className="mb-1 text-sm font-medium text-slate-800">As the recipient sees it</h3>
        <HighlightedPreview check={check} />
      </div>
      {fixable > 0 ? (
        <button type="button" onClick={onFixLookalikes} className="text-sm font-semibold text-indigo-700 hover:underline">
          Replace {fixable} look-alike{fixable === 1 ? "" : "s"} with GSM-7 characters
        </button>
      ) : null}
      {check.errors.map((error) => (
        <Alert key={error}>{error}</Alert>
      ))}
      {check.warnings.length > 0 ? (
        <ul className="space-y-1" aria-label="Warnings" data-testid="preview-warnings">
          {check.warnings.map((warning) => (
            <li key={warning} className="rounded-md bg-amber-50 p-2 text-sm text-amber-900 ring-1 ring-amber-200">
              {warning}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
