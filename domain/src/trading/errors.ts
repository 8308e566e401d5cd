/**
 * Bad trading input: the message names where (a field path such as `contracts[2].quantity.mw`, or a
 * `file:line`), so a trader can fix it. Expected outcomes (an over-assigned link, a price difference on
 * an incoming invoice) are returned as values, not thrown.
 */
export class TradingInputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "TradingInputError";
  }
}
