import { SegmentedMessage } from "sms-segments-calculator";

/** `{{ name }}` placeholders; names are lower snake case like template keys. */
const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g;
const ANY_BRACES = /\{\{[^}]*\}\}/g;

/** Variable names a body uses, in first-use order. */
export function templateVariables(body: string): string[] {
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/** Placeholders that are malformed (e.g. `{{Task Name}}`), so an admin sees them before saving. */
export function malformedPlaceholders(body: string): string[] {
  return (body.match(ANY_BRACES) ?? []).filter((p) => !/^\{\{\s*[a-z][a-z0-9_]*\s*\}\}$/.test(p));
}

export type RenderResult = { ok: true; body: string } | { ok: false; missing: string[] };

/**
 * Fills placeholders. A missing or blank variable is an error, never an empty string
 * (the original plan silently sent "is due ." texts).
 */
export function renderTemplate(body: string, vars: Record<string, string>): RenderResult {
  const missing = templateVariables(body).filter((name) => !vars[name]?.trim());
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, body: body.replace(PLACEHOLDER, (_, name: string) => vars[name] as string) };
}

export interface SegmentInfo {
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  characters: number;
  /** Characters that force UCS-2 (one is enough to halve the per-segment size). */
  nonGsmCharacters: string[];
}

export function segmentInfo(text: string): SegmentInfo {
  const message = new SegmentedMessage(text, "auto");
  return {
    encoding: message.encodingName === "GSM-7" ? "GSM-7" : "UCS-2",
    segments: message.segmentsCount,
    characters: message.numberOfCharacters,
    nonGsmCharacters: message.getNonGsmCharacters(),
  };
}

/** Twilio refuses longer bodies (21617); it counts Unicode code points. */
export const MAX_BODY_CHARACTERS = 1_600;

export function bodyCharacters(text: string): number {
  return [...text].length;
}
