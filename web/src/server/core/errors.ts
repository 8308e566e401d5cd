/** Failure codes of the web API; one table maps them to HTTP statuses (STYLE 7). */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** HTTP status of an error code (the one table above). */
export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

/** An expected failure of a request, carrying its code (the HTTP status follows from it). */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string = code,
  ) {
    super(message);
  }
}

/** JSON response for an error: known codes get their status, anything else is a 500 without details. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return Response.json({ error: error.code, message: error.message }, { status: ERROR_STATUS[error.code] });
  }
  console.error("[web] unexpected error", error);
  return Response.json({ error: "internal", message: "internal error" }, { status: 500 });
}
