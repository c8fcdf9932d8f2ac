import { SKIP_REASONS, STATUS_WORDS, statusTone, words } from "./words";

/** A message's status in plain words (the stored status on hover), with why it was skipped when it was. */
export function StatusBadge({ status, skipReason }: { status: string; skipReason?: string | null }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <span
        data-testid="status"
        data-status={status}
        title={status}
        className={`rounded-full px-2 py-0.5 text-xs font-medium ${statusTone(status)}`}
      >
        {words(STATUS_WORDS, status)}
      </span>
      {skipReason ? <span className="text-xs text-slate-600">({words(SKIP_REASONS, skipReason)})</span> : null}
    </span>
  );
}
