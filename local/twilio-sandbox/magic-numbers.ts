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

export function magicToRejection(to: string, from: string): TwilioApiError | undefined {
  return TO_REJECTIONS[to]?.(to, from);
}

export function magicFromRejection(from: string): TwilioApiError | undefined {
  return FROM_REJECTIONS[from]?.(from);
}

export function plannedOutcome(to: string): DeliveryOutcome {
  return DELIVERY_FAILURES[to] ?? { status: "delivered", errorCode: null };
}
