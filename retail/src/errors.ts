import type { z } from "zod";

/** Why a retail use case refused: the web maps each code to an HTTP status (its one table). */
export type RetailErrorCode = "bad_request" | "not_found" | "conflict" | "too_many_requests";

/** An expected failure of a retail use case (unknown record, a transition the state does not allow). */
export class RetailError extends Error {
  override name = "RetailError";
  constructor(
    readonly code: RetailErrorCode,
    message: string = code,
  ) {
    super(message);
  }
}

/**
 * What a retail command returns: a value, or a refusal with field errors. Field errors are keys of the
 * web app's message catalogue (e.g. `switch.form.error.required`), shown next to their fields.
 */
export type RetailResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: RetailErrorCode;
      message: string;
      fieldErrors?: Partial<Record<string, string>>;
    };

/** Invalid input: the first issue per field, its message being a catalogue key. */
export function invalid<T>(error: z.ZodError): RetailResult<T> {
  const fieldErrors: Partial<Record<string, string>> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, error: "bad_request", message: "invalid input", fieldErrors };
}

/** A refusal with field errors (bad input unless another code is given). */
export function fieldFailure<T>(
  fieldErrors: Partial<Record<string, string>>,
  error: RetailErrorCode = "bad_request",
  message = "invalid input",
): RetailResult<T> {
  return { ok: false, error, message, fieldErrors };
}

/** UUIDs in URLs: anything else is an unknown record, never a database error. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
