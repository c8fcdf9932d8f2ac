import type { userSmsPreferences } from "@/db/schema";
import { RESEND_CODE_AFTER_SECONDS, VERIFY_CODE_TTL_SECONDS } from "@/common/limits";
import { formatPhoneNumber } from "./phone-number";

type Preferences = typeof userSmsPreferences.$inferSelect;

/**
 * Where the user stands with texts, as the settings page shows it. Times to wait are given in
 * seconds from now (the server's clock), so a browser with a wrong clock still counts down right.
 */
export interface TextingStatus {
  phone: { e164: string; display: string; verifiedAt: Date | null } | null;
  /** A code was sent to `phone` and can still be entered. */
  pendingCode: { expiresInSeconds: number; resendInSeconds: number } | null;
  optedOut: { at: Date; source: NonNullable<Preferences["optOutSource"]> } | null;
  /** The last opt-back-in, while texts are on. */
  optedIn: { at: Date; source: NonNullable<Preferences["optInSource"]> } | null;
}

const secondsUntil = (at: number, now: Date) => Math.max(0, Math.ceil((at - now.getTime()) / 1000));

/** When the current verification stops accepting codes (Twilio's 10 minutes), or null if none is live. */
export function verificationExpiresAt(prefs: Preferences, now: Date): Date | null {
  if (!prefs.phone || prefs.phoneVerifiedAt || !prefs.verificationStartedAt) return null;
  const expires = prefs.verificationStartedAt.getTime() + VERIFY_CODE_TTL_SECONDS * 1000;
  return expires > now.getTime() ? new Date(expires) : null;
}

export function smsStatusOf(prefs: Preferences, now: Date): TextingStatus {
  const expiresAt = verificationExpiresAt(prefs, now);
  const resendAt = (prefs.codeSentAt?.getTime() ?? 0) + RESEND_CODE_AFTER_SECONDS * 1000;
  return {
    phone: prefs.phone ? { e164: prefs.phone, display: formatPhoneNumber(prefs.phone), verifiedAt: prefs.phoneVerifiedAt } : null,
    pendingCode: expiresAt
      ? { expiresInSeconds: secondsUntil(expiresAt.getTime(), now), resendInSeconds: secondsUntil(resendAt, now) }
      : null,
    optedOut: prefs.optedOutAt ? { at: prefs.optedOutAt, source: prefs.optOutSource ?? "settings" } : null,
    optedIn: !prefs.optedOutAt && prefs.optedInAt ? { at: prefs.optedInAt, source: prefs.optInSource ?? "settings" } : null,
  };
}
