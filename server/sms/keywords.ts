/** Carrier/CTIA keywords (design §7): the whole message, one word, any case, surrounding space ignored. */
const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]);
const OPT_IN = new Set(["START", "YES", "UNSTOP"]);
const HELP = new Set(["HELP", "INFO"]);

export type Keyword = "stop" | "start" | "help" | "none";

export function classifyKeyword(body: string): Keyword {
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return "stop";
  if (OPT_IN.has(word)) return "start";
  if (HELP.has(word)) return "help";
  return "none";
}
