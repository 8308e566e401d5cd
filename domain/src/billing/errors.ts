import type { FieldError } from "./validation.ts";

/** Input the billing functions cannot bill (data that contradicts the tariff or the period). */
export type BillingErrorCode =
  | "invalid_period"
  | "invalid_time_zone"
  | "price_not_defined"
  | "consumption_mismatch"
  | "market_price_missing"
  | "unsupported_combination"
  | "invalid_input";

/** A typed, non-retryable error: the same input fails the same way every time. */
export class BillingInputError extends Error {
  readonly code: BillingErrorCode;
  readonly retryable = false;
  constructor(code: BillingErrorCode, message: string) {
    super(message);
    this.name = "BillingInputError";
    this.code = code;
  }
}

/**
 * Input refused for one or more reasons, each a `{ path, message }` (a case field, a CSV line); a
 * command line prints them as `path: message` lines and exits non-zero.
 */
export class RefusedInputError extends Error {
  readonly errors: readonly FieldError[];
  readonly retryable = false;
  constructor(message: string, errors: readonly FieldError[]) {
    super(message);
    this.name = "RefusedInputError";
    this.errors = errors;
  }
}
