/** A bad input to an allocation: the message names the argument and the position that is wrong. */
export class AllocationInputError extends Error {
  override readonly name = "AllocationInputError";
  constructor(
    /** Where the input is wrong, e.g. `weights[3]`. */
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
  }
}
