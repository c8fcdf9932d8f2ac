import { crossBundleBrand } from "./cross-bundle";

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

const DOMAINERROR_BRAND = crossBundleBrand("DomainError");

export class DomainError extends Error {
  /** Answers by brand, so copies of this class in other Next bundles recognise each other's errors. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return DOMAINERROR_BRAND.has(value);
  }
  readonly [DOMAINERROR_BRAND.tag] = true;

  readonly code: DomainErrorCode;
  /** Input field the error is about, for field-level messages in forms. */
  readonly field?: string;
  readonly retryAfterSeconds?: number;

  constructor(code: DomainErrorCode, message: string, options: { field?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
