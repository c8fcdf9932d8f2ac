/** Twilio's default opt-out / opt-in / help keywords (single word, trimmed, any case). */
const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]);
const OPT_IN = new Set(["START", "YES", "UNSTOP"]);
const HELP = new Set(["HELP", "INFO"]);

export type OptOutType = "STOP" | "START" | "HELP";

export function keywordType(body: string): OptOutType | null {
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return "STOP";
  if (OPT_IN.has(word)) return "START";
  if (HELP.has(word)) return "HELP";
  return null;
}
