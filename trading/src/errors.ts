// Outcomes of trading use cases: a value with `ok`, or a refusal with a code and, for bad input, the
// fields at fault. One table maps codes to HTTP statuses for the web.
export type TradingRefusalCode = "invalid" | "not_found" | "locked" | "conflict" | "no_trader";

export type FieldError = { path: string; message: string };

export type TradingRefusal = { ok: false; code: TradingRefusalCode; message: string; errors?: FieldError[] };

export type TradingResult<T> = { ok: true; value: T } | TradingRefusal;

export const TRADING_HTTP_STATUS: Record<TradingRefusalCode, number> = {
  invalid: 400,
  not_found: 404,
  locked: 409,
  conflict: 409,
  no_trader: 409,
};

export function refuse(code: TradingRefusalCode, message: string, errors?: FieldError[]): TradingRefusal {
  return errors === undefined ? { ok: false, code, message } : { ok: false, code, message, errors };
}

/** Who acts: the tenant and, for the record, the staff member. */
export type TradingContext = { retailerId: string; actor?: string };
