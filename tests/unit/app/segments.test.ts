import { SegmentedMessage } from "sms-segments-calculator";
import { describe, expect, it } from "vitest";
import { segmentInfo } from "@/server/templates/render";

/** What the library alone says (segmentInfo's fast path must never disagree with it). */
function library(text: string) {
  const message = new SegmentedMessage(text, "auto");
  return {
    encoding: message.encodingName === "GSM-7" ? "GSM-7" : "UCS-2",
    segments: message.segmentsCount,
    characters: message.numberOfCharacters,
    nonGsmCharacters: message.getNonGsmCharacters(),
  };
}

const GSM = "@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const EXTENSION = "^{}\\[~]|€\f";
const OTHER = ["\r", "\r\n", "…", "’", "é́", "😀", "ç", "Ł", "\u00a0"];

function randomText(seed: number): string {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const length = Math.floor(next() * 200);
  let text = "";
  for (let i = 0; i < length; i++) {
    const pick = next();
    if (pick < 0.9) text += GSM[Math.floor(next() * GSM.length)];
    else if (pick < 0.97) text += EXTENSION[Math.floor(next() * EXTENSION.length)];
    else if (next() < 0.3) text += OTHER[Math.floor(next() * OTHER.length)];
  }
  return text;
}

describe("segment counting", () => {
  it("agrees with sms-segments-calculator on 1,000 texts around the one-segment limit", () => {
    for (let seed = 1; seed <= 1_000; seed++) {
      const text = randomText(seed);
      expect(segmentInfo(text), JSON.stringify(text)).toEqual(library(text));
    }
  }, 60_000); // the library itself takes about a millisecond a text

  it("agrees at the exact limits: 160 septets, 161, and extension characters that count twice", () => {
    for (const text of ["a".repeat(160), "a".repeat(161), `${"a".repeat(158)}€`, `${"a".repeat(159)}€`, "", "€", "x\r\ny"]) {
      expect(segmentInfo(text), text).toEqual(library(text));
    }
  });
});
