/** Carrier/CTIA keywords (design §7): the whole message, one word, any case, surrounding space ignored. */
export const OPT_OUT_KEYWORDS = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"] as const;
export const OPT_IN_KEYWORDS = ["START", "YES", "UNSTOP"] as const;
export const HELP_KEYWORDS = ["HELP", "INFO"] as const;

const OPT_OUT = new Set<string>(OPT_OUT_KEYWORDS);
const OPT_IN = new Set<string>(OPT_IN_KEYWORDS);
const HELP = new Set<string>(HELP_KEYWORDS);

export type Keyword = "stop" | "start" | "help" | "none";

export function classifyKeyword(body: string): Keyword {
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return "stop";
  if (OPT_IN.has(word)) return "start";
  if (HELP.has(word)) return "help";
  return "none";
}
