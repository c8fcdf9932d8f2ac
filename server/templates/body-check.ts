import { SMS_KEYWORDS } from "@/common/limits";
import { SYSTEM_VARIABLE_SAMPLES } from "@/common/reply-words";
import { malformedPlaceholders, segmentInfo, templateVariables, variableValue } from "./render";

/**
 * What an admin sees while editing a template body, computed the same way in the browser (live
 * preview) and on the server (save). Client-safe: no server-only imports.
 */

/** Twilio refuses bodies over 1,600 characters (21617). */
export const TEMPLATE_BODY_MAX = 1_600;
/** Above this a template costs three or more segments per text; design §7 keeps templates under it. */
export const TEMPLATE_BODY_WARN = 320;

/**
 * Look-alikes that word processors type and that force UCS-2 (halving the characters per
 * segment), with the GSM-7 character a reader cannot tell from them.
 */
const LOOKALIKES: Record<string, string> = {
  "\u2018": "'", // ‘
  "\u2019": "'", // ’
  "\u201A": "'", // ‚
  "\u2032": "'", // ′
  "\u201C": '"', // “
  "\u201D": '"', // ”
  "\u201E": '"', // „
  "\u2033": '"', // ″
  "\u2013": "-", // –
  "\u2014": "-", // —
  "\u2012": "-", // ‒
  "\u2212": "-", // −
  "\u00A0": " ", // no-break space
  "\u2007": " ", // figure space
  "\u202F": " ", // narrow no-break space
  "\u2009": " ", // thin space
  "\u200B": "", // zero-width space
  "\u2026": "...", // …
  "\u2022": "-", // •
};

export function replaceLookalikes(text: string): string {
  return [...text].map((ch) => LOOKALIKES[ch] ?? ch).join("");
}

export interface NonGsmCharacter {
  char: string;
  /** Index in UTF-16 code units, for highlighting. */
  index: number;
  /** The GSM-7 look-alike a one-click fix puts in its place, if there is one. */
  replacement: string | null;
}

const STOP_PURPOSE = /^\s+(to\s+(opt[\s-]?out|unsubscribe|stop|end)|and\s+(you\s+)?(will\s+)?(not|no longer))/i;
const HELP_PURPOSE = /^\s+(for\s+(help|info|more\s+info(rmation)?|support))/i;
const REPLY_ASK = /\b(reply|respond|text|send|answer)(\s+(back\s+)?(with|us))?\s+["'“”‘’]?([A-Za-z]+)["'“”‘’]?/gi;

/**
 * A body that asks the recipient to answer with a carrier keyword ("Reply YES to confirm",
 * "reply CANCEL") changes their subscription instead of doing what the text promises. Asking
 * for STOP to opt out and HELP for help is the one proper use and is not flagged.
 */
export function keywordReplyWarnings(body: string): string[] {
  const warnings: string[] = [];
  for (const match of body.matchAll(REPLY_ASK)) {
    const word = (match[5] ?? "").toUpperCase();
    const rest = body.slice((match.index ?? 0) + match[0].length);
    const family = (SMS_KEYWORDS.stop as readonly string[]).includes(word)
      ? "opt-out"
      : (SMS_KEYWORDS.start as readonly string[]).includes(word)
        ? "opt-in"
        : (SMS_KEYWORDS.help as readonly string[]).includes(word)
          ? "help"
          : null;
    if (!family) continue;
    if (family === "opt-out" && STOP_PURPOSE.test(rest)) continue;
    if (family === "help" && HELP_PURPOSE.test(rest)) continue;
    warnings.push(
      `"${match[0].trim()}" asks for ${word}, which Twilio treats as an ${family} keyword: the reply changes the recipient's subscription, not the task.`,
    );
  }
  return warnings;
}

export interface BodyCheck {
  variables: string[];
  /** The text as sent with the sample values (placeholders left as typed where no sample is given). */
  preview: string;
  characters: number;
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  nonGsm: NonGsmCharacter[];
  /** Problems that refuse a save. */
  errors: string[];
  /** Things worth a second look that do not refuse a save. */
  warnings: string[];
}

/**
 * Fills the sample values it has; a variable the app fills itself (a reminder's `{{reply_hint}}`)
 * takes its longest value, so the segment count is the worst case; any other missing one keeps
 * its `{{placeholder}}` so its length still counts.
 */
function fillSamples(body: string, samples: Record<string, string>) {
  return body.replace(
    /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g,
    (whole, name: string) => variableValue(samples, name)?.trim() || variableValue(SYSTEM_VARIABLE_SAMPLES, name) || whole,
  );
}

export function checkTemplateBody(body: string, samples: Record<string, string> = {}): BodyCheck {
  const preview = fillSamples(body, samples);
  const info = segmentInfo(preview);
  const nonGsmSet = new Set(info.nonGsmCharacters);
  const nonGsm: NonGsmCharacter[] = [];
  let index = 0;
  for (const char of preview) {
    if (nonGsmSet.has(char)) nonGsm.push({ char, index, replacement: LOOKALIKES[char] ?? null });
    index += char.length;
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  if (body.trim() === "") errors.push("The body is empty.");
  const malformed = malformedPlaceholders(body);
  if (malformed.length > 0) {
    errors.push(`Malformed placeholders: ${malformed.join(", ")}. Use {{lower_snake_case}} names.`);
  }
  if (preview.length > TEMPLATE_BODY_MAX) {
    errors.push(`The text is ${preview.length} characters; Twilio refuses more than ${TEMPLATE_BODY_MAX}.`);
  } else if (preview.length > TEMPLATE_BODY_WARN) {
    warnings.push(`The text is ${preview.length} characters (${info.segments} segments); keep templates under ${TEMPLATE_BODY_WARN}.`);
  }
  if (nonGsm.length > 0) {
    const fixable = nonGsm.filter((c) => c.replacement !== null).length;
    warnings.push(
      `${nonGsm.length} character${nonGsm.length === 1 ? "" : "s"} force${nonGsm.length === 1 ? "s" : ""} UCS-2 (70 characters per segment instead of 160)` +
        (fixable > 0 ? `; ${fixable} can be replaced with look-alikes.` : "."),
    );
  }
  warnings.push(...keywordReplyWarnings(body));
  return {
    variables: templateVariables(body),
    preview,
    characters: info.characters,
    encoding: info.encoding,
    segments: info.segments,
    nonGsm,
    errors,
    warnings,
  };
}
