import type { z } from "zod";
import type { MessageKey } from "@/messages/en.ts";
import { AppError, type ErrorCode, statusOf } from "./errors.ts";

/**
 * What a server action returns: a value, or an error code (mapped to an HTTP status by the one table
 * in errors.ts) with field errors as message-catalogue keys, shown next to their fields.
 */
export type ActionResult<T = null> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: ErrorCode | "internal";
      status: number;
      message: string;
      fieldErrors?: Partial<Record<string, MessageKey>>;
      /** errors inside a structured field (a tariff): the path in its JSON and the validator's text */
      pathErrors?: { path: string; message: string }[];
    };

/** Invalid input: the first issue per field, its message being a catalogue key. */
export function invalid<T>(error: z.ZodError): ActionResult<T> {
  const fieldErrors: Partial<Record<string, MessageKey>> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message as MessageKey;
  }
  return {
    ok: false,
    error: "bad_request",
    status: statusOf("bad_request"),
    message: "invalid input",
    fieldErrors,
  };
}

/** Runs an action body; expected failures (AppError) become results, anything else a bare 500. */
export async function runAction<T>(fn: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError)
      return { ok: false, error: error.code, status: statusOf(error.code), message: error.message };
    console.error("[web] server action failed", error);
    return { ok: false, error: "internal", status: 500, message: "internal error" };
  }
}
