import { SMS_KEYWORDS } from "@/common/limits";

/** Carrier/CTIA keywords (design §7): the whole message, one word, any case, surrounding space ignored. */
const OPT_OUT = new Set<string>(SMS_KEYWORDS.stop);
const OPT_IN = new Set<string>(SMS_KEYWORDS.start);
const HELP = new Set<string>(SMS_KEYWORDS.help);

export type Keyword = "stop" | "start" | "help" | "none";

/** A keyword and the rule that found it (`keyword:STOP`, `phrase:stop_texting`), stored with the text. */
export interface KeywordMatch {
  keyword: Keyword;
  rule: string;
}

/** Lower case, apostrophes dropped ("don't" → "dont"), everything but letters and digits a single space. */
export function normalizeReply(body: string): string {
  return body
    .normalize("NFKC")
    .toLowerCase()
    .replace(/['\u2018\u2019\u02bc`]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/**
 * Plain-language requests to stop: the FCC's revocation rule (April 2025) counts any reasonable
 * request, not only the exact keywords, so each of these is an opt-out, answered with the STOP
 * reply. Checked on the normalized text; the name is recorded as the matched rule.
 */
const STOP_PHRASES: readonly { name: string; pattern: RegExp }[] = [
  // An opt-out keyword opening a longer text: "stop please", "unsubscribe me", "cancel all texts".
  { name: "keyword_first", pattern: /^(please )?(stop|stopall|unsubscribe|cancel|quit|revoke|optout|opt out)( |$)/ },
  // END opening a text is an opt-out only when it ends the texts ("end of day works" is not).
  { name: "end_texts", pattern: /^(please )?end (it|this|all|them|texts|messages|the texts|these texts|my subscription)( |$)/ },
  { name: "stop_texting", pattern: /\b(stop|quit|cease) (texting|sending|messaging|contacting|txting|the texts|these texts|the messages|these messages|all texts|all messages)\b/ },
  { name: "do_not_text", pattern: /\b(dont|do not|never) (text|message|txt|contact|sms)\b/ },
  { name: "no_more", pattern: /\bno more (texts|messages|txts|sms|reminders)\b/ },
  { name: "opt_out", pattern: /\b(opt me out|opt out|optout|unsubscribe|unsub)\b/ },
  { name: "remove_me", pattern: /\b(remove me|take me off|delete my number|delete me)\b/ },
  { name: "leave_me_alone", pattern: /\bleave me alone\b/ },
  { name: "wrong_number", pattern: /\bwrong (number|person)\b/ },
];

/**
 * What a text means before anything else reads it: STOP/START/HELP (and every Twilio opt-out
 * word) keep their meaning, a plain-language request to stop is an opt-out, anything else is
 * `none` (and may be a reply to a reminder: server/sms/reply-actions).
 */
export function classifyKeyword(body: string): KeywordMatch {
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return { keyword: "stop", rule: `keyword:${word}` };
  if (OPT_IN.has(word)) return { keyword: "start", rule: `keyword:${word}` };
  if (HELP.has(word)) return { keyword: "help", rule: `keyword:${word}` };
  const text = normalizeReply(body);
  const phrase = STOP_PHRASES.find((p) => p.pattern.test(text));
  if (phrase) return { keyword: "stop", rule: `phrase:${phrase.name}` };
  return { keyword: "none", rule: "none" };
}
