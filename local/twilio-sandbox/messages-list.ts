import type { SandboxContext } from "./context";
import { TwilioApiError } from "./errors";
import { json, type Reply, type TwilioRequest } from "./http";
import { messageJson } from "./message-json";
import type { MessageRecord } from "./state";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
const FILTER_NAMES = ["To", "From", "DateSent", "DateSent<", "DateSent>"] as const;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** GET /2010-04-01/Accounts/{AccountSid}/Messages.json — newest first, Twilio's paging fields. */
export function listMessages(ctx: SandboxContext, req: TwilioRequest): Reply {
  const { query } = req;
  const matches = buildFilter(query);
  const all = [...ctx.state.messages.values()].filter(matches).sort(newestFirst);

  const pageSize = clamp(Number(query.get("PageSize") ?? DEFAULT_PAGE_SIZE) || DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  const page = Math.max(0, Math.floor(Number(query.get("Page") ?? 0) || 0));
  const start = page * pageSize;
  const items = all.slice(start, start + pageSize);
  const hasMore = all.length > start + pageSize;

  const base = `/2010-04-01/Accounts/${ctx.config.accountSid}/Messages.json`;
  const pageUri = (n: number, token?: string) => {
    const qs = new URLSearchParams();
    for (const name of FILTER_NAMES) {
      const value = query.get(name);
      if (value !== null) qs.set(name, value);
    }
    qs.set("PageSize", String(pageSize));
    qs.set("Page", String(n));
    if (token) qs.set("PageToken", token);
    return `${base}?${qs.toString()}`;
  };
  const first = items[0];
  const last = items.at(-1);

  return json(200, {
    messages: items.map((m) => messageJson(ctx.config.accountSid, m)),
    end: items.length > 0 ? start + items.length - 1 : start,
    first_page_uri: pageUri(0),
    next_page_uri: hasMore && last ? pageUri(page + 1, `PA${last.sid}`) : null,
    page,
    page_size: pageSize,
    previous_page_uri: page > 0 && first ? pageUri(page - 1, `PB${first.sid}`) : null,
    start,
    uri: pageUri(page),
  });
}

function buildFilter(query: URLSearchParams): (m: MessageRecord) => boolean {
  const to = query.get("To");
  const from = query.get("From");
  const on = parseDateFilter(query.get("DateSent"), "DateSent");
  const before = parseDateFilter(query.get("DateSent<"), "DateSent<");
  const after = parseDateFilter(query.get("DateSent>"), "DateSent>");
  return (m) => {
    if (to !== null && m.to !== to) return false;
    if (from !== null && m.from !== from) return false;
    if (!on && !before && !after) return true;
    if (!m.dateSent) return false;
    // The API shows seconds only; compare at that precision.
    const sent = Math.floor(m.dateSent.getTime() / 1000) * 1000;
    if (on && (sent < on.start || sent >= on.end)) return false;
    if (after && sent < after.start) return false;
    if (before && sent >= before.end) return false;
    return true;
  };
}

/** A date means the whole UTC day; a date-time means that second. Bounds are inclusive. */
function parseDateFilter(raw: string | null, name: string): { start: number; end: number } | null {
  if (raw === null) return null;
  const ms = Date.parse(DATE_ONLY.test(raw) ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(ms)) throw new TwilioApiError(400, 20001, `Invalid ${name}: ${raw}`);
  return DATE_ONLY.test(raw) ? { start: ms, end: ms + DAY_MS } : { start: ms, end: ms + 1000 };
}

function newestFirst(a: MessageRecord, b: MessageRecord): number {
  return (b.dateSent ?? b.dateCreated).getTime() - (a.dateSent ?? a.dateCreated).getTime();
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(value)));
}
