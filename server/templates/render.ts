import { SegmentedMessage } from "sms-segments-calculator";
import gsmTableModule from "sms-segments-calculator/dist/libs/UnicodeToGSM";

/**
 * The library's own map of UTF-16 code units to GSM-7 septets. It is a CommonJS default export:
 * Node's ESM loader hands over the whole `module.exports`, bundlers its `default`.
 */
const UnicodeToGsm: Record<string, number[] | undefined> =
  (gsmTableModule as unknown as { default?: Record<string, number[]> }).default ?? gsmTableModule;

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

/**
 * The value given for a placeholder name, own properties only: `{{constructor}}`, `{{__proto__}}`
 * or `{{to_string}}` are plain unknown names, never something inherited from Object.prototype.
 */
export function variableValue(values: Record<string, string>, name: string): string | undefined {
  if (!Object.hasOwn(values, name)) return undefined;
  const value: unknown = values[name];
  return typeof value === "string" ? value : undefined;
}

export type RenderResult = { ok: true; body: string } | { ok: false; missing: string[] };

/**
 * Fills placeholders. A missing or blank variable is an error, never an empty string
 * (the original plan silently sent "is due ." texts).
 */
export function renderTemplate(body: string, vars: Record<string, string>): RenderResult {
  const missing = templateVariables(body).filter((name) => !variableValue(vars, name)?.trim());
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, body: body.replace(PLACEHOLDER, (_, name: string) => variableValue(vars, name) as string) };
}

export interface SegmentInfo {
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  characters: number;
  /** Characters that force UCS-2 (one is enough to halve the per-segment size). */
  nonGsmCharacters: string[];
}

/** GSM-7 septets for a text that fits one segment in GSM-7, or null when the fast path cannot say. */
const GSM7_SINGLE_SEGMENT_SEPTETS = 160;
function singleGsm7Septets(text: string): number | null {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A CR (CRLF is one grapheme the library does not map) or any unmapped character: ask the library.
    if (code === 0x0d) return null;
    const units = UnicodeToGsm[code];
    if (!units) return null;
    septets += units.length;
    if (septets > GSM7_SINGLE_SEGMENT_SEPTETS) return null;
  }
  return text.length === 0 ? null : septets;
}

/**
 * Encoding and segments as Twilio counts them (sms-segments-calculator). A text of GSM-7
 * characters that fits one segment is counted directly from the library's own GSM-7 table (the
 * library splits graphemes first, which costs about a millisecond a text: most of a cron's
 * fan-out); everything else goes to the library. The two agree (tests/unit/app/segments.test.ts).
 */
export function segmentInfo(text: string): SegmentInfo {
  const septets = singleGsm7Septets(text);
  if (septets !== null) return { encoding: "GSM-7", segments: 1, characters: septets, nonGsmCharacters: [] };
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
