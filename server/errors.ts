import { crossBundleError } from "./cross-bundle";

/**
 * The one error type domain services throw. Adapters map `code` to their transport
 * (tRPC codes, HTTP statuses); anything else that escapes is an internal error and is
 * never shown to the caller.
 */
export type DomainErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "TOO_MANY_REQUESTS";

export class DomainError extends crossBundleError("DomainError") {
  readonly code: DomainErrorCode;
  /** Input field the error is about, for field-level messages in forms. */
  readonly field?: string;
  readonly retryAfterSeconds?: number;

  constructor(code: DomainErrorCode, message: string, options: { field?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.code = code;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
