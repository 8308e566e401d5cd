/** Why a community use case refused: the web maps each code to an HTTP status. */
export type CommunityErrorCode = "bad_request" | "not_found" | "conflict" | "incomplete_data";

/** An expected refusal of a community use case; `where` names the field, meter, unit or row. */
export class CommunityError extends Error {
  override name = "CommunityError";
  constructor(
    readonly code: CommunityErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The tenant a manager works for: every read and write is scoped by it. */
export type ManagerContext = { retailerId: string };

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;
