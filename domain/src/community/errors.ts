/** A bad community input: the message names where (a meter, a unit, a tenancy, a price field). */
export class CommunityInputError extends Error {
  override readonly name = "CommunityInputError";
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
  }
}
