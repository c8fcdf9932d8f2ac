"use client";

import { wordDiff } from "@/server/templates/word-diff";
import { Card } from "../../ui/card";
import { LocalTime } from "../../ui/local-time";

interface Version {
  id: string;
  version: number;
  body: string;
  createdAt: Date;
  createdBy: string | null;
}

/** A body against the one before it: removed words struck through, added ones underlined. */
function Diff({ before, after }: { before: string; after: string }) {
  return (
    <p className="whitespace-pre-wrap break-words rounded-md bg-slate-50 p-3 font-mono text-sm ring-1 ring-slate-200">
      {wordDiff(before, after).map((part, index) =>
        part.kind === "same" ? (
          <span key={index}>{part.text}</span>
        ) : part.kind === "added" ? (
          <ins key={index} className="bg-emerald-100 text-emerald-900 decoration-emerald-600">
            {part.text}
          </ins>
        ) : (
          <del key={index} className="bg-red-100 text-red-900">
            {part.text}
          </del>
        ),
      )}
    </p>
  );
}

/** Every version, newest first, with who saved it and what changed from the one before. */
export function VersionHistory({ versions }: { versions: Version[] }) {
  return (
    <Card title="History" description="Versions are never changed; texts keep the version they were rendered from.">
      <ol className="space-y-4">
        {versions.map((v, index) => {
          const previous = versions[index + 1];
          return (
            <li key={v.id} aria-label={`Version ${v.version}`} data-testid={`version-${v.version}`} className="space-y-1">
              <p className="text-sm text-slate-700">
                <span className="font-semibold text-slate-900">Version {v.version}</span> · saved by {v.createdBy ?? "the seed"} ·{" "}
                <LocalTime date={v.createdAt} />
              </p>
              {previous ? <Diff before={previous.body} after={v.body} /> : <Diff before="" after={v.body} />}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
