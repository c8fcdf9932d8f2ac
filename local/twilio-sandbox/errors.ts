/**
 * Twilio's REST error body and the codes the sandbox answers with. Messages follow
 * what Twilio returns; apps must not match on them (Twilio says so too), only on `code`.
 */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
  detail?: string;
}

export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly detail?: string,
  ) {
    super(message);
  }

  toBody(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
    };
  }
}

const badRequest = (code: number, message: string) => new TwilioApiError(400, code, message);

export const twilioErrors = {
  authenticate: () =>
    new TwilioApiError(401, 20003, "Authenticate", { "WWW-Authenticate": 'Basic realm="Twilio API"' },
      "Your AccountSid or AuthToken was incorrect."),
  notFound: (path: string) => new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
  tooManyRequests: (retryAfterSeconds: number) =>
    new TwilioApiError(429, 20429, "Too Many Requests", { "Retry-After": String(retryAfterSeconds) }),
  internal: (status: number) => new TwilioApiError(status, 20500, "An internal server error has occurred"),
  toRequired: () => badRequest(21604, "A 'To' phone number is required."),
  fromRequired: () => badRequest(21603, "A 'From' phone number is required."),
  bodyRequired: () => badRequest(21602, "Message body is required."),
  bodyTooLong: () => badRequest(21617, "The concatenated message body exceeds the 1600 character limit."),
  invalidTo: (to: string) => badRequest(21211, `The 'To' number ${to} is not a valid phone number.`),
  invalidFrom: (from: string) =>
    badRequest(21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`),
  fromNotOwned: (from: string) =>
    badRequest(21606, `The 'From' phone number provided (${from}) is not a valid message-capable Twilio phone number for this destination/account.`),
  regionNotEnabled: (to: string) =>
    badRequest(21408, `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`),
  unsubscribed: () => badRequest(21610, "Attempt to send to unsubscribed recipient"),
  invalidValidityPeriod: () => badRequest(90007, "Invalid validity period value: must be an integer from 1 to 36000 seconds."),
  queueFull: () => badRequest(21611, "This 'From' number has exceeded the maximum number of queued messages"),
  unreachable: (to: string, from: string) =>
    badRequest(21612, `The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number: ${from} via SMS.`),
  notMobile: () => badRequest(21614, "'To' number is not a valid mobile number"),
  invalidMessagingService: (sid: string) => badRequest(21705, `The Messaging Service Sid ${sid} is invalid.`),
  cannotCancel: () => badRequest(30409, "This message cannot be canceled"),
  sendAtMissing: () => badRequest(35111, "SendAt timestamp is missing"),
  sendAtOutOfWindow: () => badRequest(35114, "Scheduling does not support this timestamp"),
  sendAtBadFormat: () => badRequest(35115, "Scheduling does not support this timestamp"),
  scheduleNeedsService: () => badRequest(35118, "MessagingServiceSid is required to schedule a message"),
  scheduleTypeUnsupported: () => badRequest(35126, "The ScheduleType value provided is not supported for this channel"),
  verifyInvalidParameter: (name: string) => badRequest(60200, `Invalid parameter: ${name}`),
  verifyMaxChecks: () => new TwilioApiError(429, 60202, "Max check attempts reached"),
  verifyMaxSends: () => new TwilioApiError(429, 60203, "Max send attempts reached"),
  verifyFraudGuard: () => new TwilioApiError(403, 60410, "Verification delivery attempt blocked (Fraud Guard)"),
  verifyGeoPermission: () => new TwilioApiError(403, 60605, "Verification delivery attempt blocked (geo permissions)"),
};

/** error_message Twilio shows on a message that failed or went undelivered. */
export const DELIVERY_ERROR_MESSAGES: Record<number, string> = {
  30003: "Unreachable destination handset",
  30004: "Message blocked",
  30005: "Unknown destination handset",
  30006: "Landline or unreachable carrier",
  30007: "Message filtered",
  30008: "Unknown error",
  30036: "Validity Period Expired",
};
