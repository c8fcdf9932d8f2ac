import { randomBytes } from "node:crypto";

/** Twilio SIDs are a two-letter prefix followed by 32 lowercase hex digits. */
export function newSid(prefix: "SM" | "VE" | "VL" | "RQ"): string {
  return prefix + randomBytes(16).toString("hex");
}

export function newVerificationCode(): string {
  return String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
}
