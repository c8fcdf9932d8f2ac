import { twilioErrors, type TwilioApiError } from "./errors";

/**
 * Recipients and senders with scripted behaviour, in the spirit of Twilio's test
 * credentials (+15005550001 etc.). Documented in README.md; keep both in step.
 */
const TO_REJECTIONS: Record<string, (to: string, from: string) => TwilioApiError> = {
  "+15005550001": (to) => twilioErrors.invalidTo(to),
  "+15005550002": (to, from) => twilioErrors.unreachable(to, from),
  "+15005550003": (to) => twilioErrors.regionNotEnabled(to),
  "+15005550004": () => twilioErrors.unsubscribed(),
  "+15005550009": () => twilioErrors.notMobile(),
};

const FROM_REJECTIONS: Record<string, (from: string) => TwilioApiError> = {
  "+15005550001": (from) => twilioErrors.invalidFrom(from),
  "+15005550008": () => twilioErrors.queueFull(),
};

export interface DeliveryOutcome {
  status: "delivered" | "undelivered" | "failed";
  errorCode: number | null;
}

/** Accepted at creation, then fail asynchronously (seen only through status and callbacks). */
const DELIVERY_FAILURES: Record<string, DeliveryOutcome> = {
  "+15005550030": { status: "undelivered", errorCode: 30003 },
  "+15005550040": { status: "undelivered", errorCode: 30004 },
  "+15005550050": { status: "undelivered", errorCode: 30005 },
  "+15005550060": { status: "failed", errorCode: 30006 },
  "+15005550070": { status: "undelivered", errorCode: 30007 },
  "+15005550080": { status: "undelivered", errorCode: 30008 },
};

/**
 * Verify refusals by number, like Twilio's own answers to pumping and geo rules:
 *   +1 NPA 555-05xx  60410 (Fraud Guard blocked the send)
 *   +1 NPA 555-06xx  60605 (the country is not enabled in the Verify service's geo permissions)
 */
export function magicVerifyRefusal(to: string): TwilioApiError | undefined {
  if (!to.startsWith("+1") || to.length !== 12) return undefined;
  const exchange = to.slice(5, 10);
  if (exchange === "55505") return twilioErrors.verifyFraudGuard();
  if (exchange === "55506") return twilioErrors.verifyGeoPermission();
  return undefined;
}

export function magicToRejection(to: string, from: string): TwilioApiError | undefined {
  return TO_REJECTIONS[to]?.(to, from);
}

export function magicFromRejection(from: string): TwilioApiError | undefined {
  return FROM_REJECTIONS[from]?.(from);
}

export function plannedOutcome(to: string): DeliveryOutcome {
  return DELIVERY_FAILURES[to] ?? { status: "delivered", errorCode: null };
}
