export type {
  ListByRecipientOptions,
  MessageDirection,
  MessageStatus,
  SendInput,
  SentMessage,
  SmsProvider,
  StatusCallback,
  VerificationCheckResult,
  VerificationStarted,
  VerificationStatus,
  WebhookSignatureInput,
} from "./types";
export {
  classifyTwilioFailure,
  describeTwilioCode,
  InvalidStatusCallbackError,
  parseRetryAfter,
  ProviderError,
  verifyRefusalOf,
  type FailureClassification,
  type FailureFacts,
  type ProviderErrorKind,
} from "./errors";
export { parseStatusCallback } from "./parse-status-callback";
export { createTwilioProvider, type TwilioProviderConfig } from "./twilio-provider";
