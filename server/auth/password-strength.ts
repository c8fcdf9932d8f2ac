import { ZxcvbnFactory, type ZxcvbnResult } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";

/**
 * Passwords are judged offline by zxcvbn (common-password lists, keyboard patterns, dates,
 * repeats) rather than by composition rules. Score 3 of 4 is "safely unguessable": it survives
 * an offline attack on a slow hash, so it still holds if the database ever leaks.
 */
const MIN_PASSWORD_SCORE = 3;

let factory: ZxcvbnFactory | undefined;
const estimator = () => (factory ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs }));

function reason(result: ZxcvbnResult): string {
  switch (result.feedback.warning) {
    case "topTen":
    case "topHundred":
    case "common":
      return "This is one of the most common passwords.";
    case "similarToCommon":
      return "This is too close to a common password.";
    case "straightRow":
    case "keyPattern":
      return "Keyboard patterns are easy to guess.";
    case "simpleRepeat":
    case "extendedRepeat":
      return "Repeated characters are easy to guess.";
    case "sequences":
      return "Sequences like abc or 1234 are easy to guess.";
    case "dates":
    case "recentYears":
      return "Dates and years are easy to guess.";
    case "userInputs":
      return "It contains your name, your email or this site's name.";
    case "wordByItself":
    case "namesByThemselves":
    case "commonNames":
      return "A single word or name is easy to guess.";
    default:
      return "This password is too easy to guess.";
  }
}

/** Words anyone guessing at this site tries first. */
const SITE_WORDS = ["buildos", "buildos sms", "sms", "buildossms"];

/**
 * What zxcvbn should count as guessable for this account: the email whole and in pieces
 * (`jane.doe@example.com` → jane, doe, example), the name and its words, and the site's name.
 */
function accountWords(account: { email?: string | null; name?: string | null }): string[] {
  const words = [...SITE_WORDS];
  const email = account.email?.trim().toLowerCase();
  if (email) {
    const [local = "", domain = ""] = email.split("@");
    words.push(email, local, domain, ...local.split(/[._+-]+/), ...domain.split(".").slice(0, -1));
  }
  const name = account.name?.trim().toLowerCase();
  if (name) words.push(name, name.replace(/\s+/g, ""), ...name.split(/\s+/));
  return [...new Set(words.filter((word) => word.length >= 3))];
}

/**
 * Null if the password is strong enough, or a message that says why not and what to do. Every
 * path that sets a password passes the account's email and name (sign-up, change, reset).
 */
export function weakPasswordReason(password: string, account: { email?: string | null; name?: string | null }): string | null {
  const result = estimator().check(password, accountWords(account));
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  return `${reason(result)} Add another word or two — uncommon words are best.`;
}
