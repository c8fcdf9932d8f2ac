import type { ServiceContext, SystemActor } from "../service-context";
import { requestSmsBatch, type SmsRequest } from "../sms/request";
import { mainFocusText } from "./main-focus";
import { briefWindow } from "./schedule";
import { dueBriefsPage, type BriefCursor, type DueBrief } from "./sweep";

export interface BriefPageResult {
  next: BriefCursor | null;
  counts: { due: number; created: number; existing: number };
}

/**
 * A user's brief: sent at the exact instant of their local brief time (the send run sleeps
 * until then), and pointless once their local day is over.
 */
export function briefRequest(brief: DueBrief): SmsRequest {
  return {
    userId: brief.userId,
    templateKey: "daily_brief_ready",
    variables: { main_focus: mainFocusText(brief.focus, brief.timeZone, brief.briefAt) },
    scheduledFor: brief.briefAt,
    dedupeKey: brief.dedupeKey,
    validUntil: brief.dayEnd,
  };
}

/** One page of the daily-brief sweep for the tick at `now`, requested as one batch. */
export async function requestDueBriefs(
  ctx: ServiceContext<SystemActor>,
  { now, after, limit }: { now: Date; after: BriefCursor | null; limit: number },
): Promise<BriefPageResult> {
  const page = await dueBriefsPage(ctx.db, { ...briefWindow(now), after, limit });
  const { created, existing } =
    page.briefs.length > 0 ? await requestSmsBatch(ctx, page.briefs.map(briefRequest)) : { created: 0, existing: 0 };
  return { next: page.next, counts: { due: page.briefs.length, created, existing } };
}
