import { replaceLookalikes } from "../templates/body-check";
import { segmentInfo } from "../templates/render";

/**
 * The text with every character GSM-7 lacks replaced, so a reply is one cheap encoding whatever
 * a task title holds: look-alikes first (curly quotes, dashes), then accents dropped ("é" → "e";
 * GSM-7's own accented letters stay), then "?" for anything left (emoji, other scripts).
 */
export function toGsm7(text: string): string {
  const replaced = replaceLookalikes(text);
  const bad = new Set(segmentInfo(replaced).nonGsmCharacters);
  if (bad.size === 0) return replaced;
  return [...replaced]
    .map((ch) => {
      if (!bad.has(ch)) return ch;
      const stripped = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      return stripped && segmentInfo(stripped).encoding === "GSM-7" ? stripped : "?";
    })
    .join("");
}
