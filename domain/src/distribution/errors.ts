/** Bad distribution input: `where` names the record, row or field that is wrong. */
export class DistributionInputError extends Error {
  override readonly name = "DistributionInputError";
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
  }
}
