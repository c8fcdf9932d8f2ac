import { SMS_KEYWORDS } from "@/common/limits";

/** Carrier/CTIA keywords (design §7): the whole message, one word, any case, surrounding space ignored. */
const OPT_OUT = new Set<string>(SMS_KEYWORDS.stop);
const OPT_IN = new Set<string>(SMS_KEYWORDS.start);
const HELP = new Set<string>(SMS_KEYWORDS.help);

export type Keyword = "stop" | "start" | "help" | "none";

export function classifyKeyword(body: string): Keyword {
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return "stop";
  if (OPT_IN.has(word)) return "start";
  if (HELP.has(word)) return "help";
  return "none";
}
