/** Why a bill run, or a billing command around it, refused: a stable code beside the message. */
export type BillRunErrorCode =
  /** A command-line or API argument is malformed or out of range (the default). */
  | "INVALID_ARGUMENT"
  /** No bill run, invoice, POD, product or contract with that id. */
  | "NOT_FOUND"
  /** The change conflicts with the stored state (e.g. a product with an open draft). */
  | "CONFLICT"
  /** The tariff does not validate, or lacks the price named. */
  | "TARIFF_INVALID"
  /** A monthly parameter the bill needs (e.g. levy_unit_price) is missing. */
  | "PARAMETER_MISSING"
  /** An AMR POD without a grid meter. */
  | "NO_GRID_METER"
  /** Intervals that do not start on the quarter hour. */
  | "OFF_GRID_INTERVALS"
  /** An AMR POD without any interval in its billed period. */
  | "NO_INTERVAL_DATA"
  /** Intervals without a market price for a dynamic tariff. */
  | "MARKET_PRICE_MISSING"
  /** A worker process of the run failed. */
  | "WORKER_FAILED"
  /** The month has not ended yet in some POD's time zone. */
  | "PERIOD_NOT_ENDED";

export class BillRunError extends Error {
  override name = "BillRunError";
  /** Callers that give no code check command-line arguments: `INVALID_ARGUMENT`. */
  constructor(
    message: string,
    readonly code: BillRunErrorCode = "INVALID_ARGUMENT",
  ) {
    super(message);
  }
}
