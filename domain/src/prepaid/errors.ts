/** A refusal of the prepaid rules, with a code callers can branch on and a message naming the field. */
export class PrepaidError extends Error {
  override name = "PrepaidError";
  constructor(
    readonly code: "entry_refused" | "key_conflict" | "invalid_input" | "transition_refused",
    message: string,
  ) {
    super(message);
  }
}
