// Exact kWh ↔ Wh conversion for readings people type: decimal strings of kWh with up to 3 decimals
// become integer Wh (bigint), compared and stored exactly, never as floats (STYLE 5).

/** A kWh value as written by a person: digits, optionally "." or "," and up to 3 decimals. */
export const KWH_PATTERN = /^\d{1,11}([.,]\d{1,3})?$/;

/**
 * A kWh string → integer Wh (exact). Call only on a value that matches KWH_PATTERN.
 * @example kwhToWh("1234,5") // 1234500n
 */
export function kwhToWh(kwh: string): bigint {
  const [whole = "0", fraction = ""] = kwh.replace(",", ".").split(".");
  return BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, "0"));
}

/**
 * Integer Wh → the canonical kWh string stored and shown (no trailing zeros, no decimal point for whole kWh).
 * @example whToKwh(1234500n) // "1234.5"
 */
export function whToKwh(wh: bigint): string {
  if (wh < 0n) return `-${whToKwh(-wh)}`;
  const whole = wh / 1000n;
  const fraction = (wh % 1000n).toString().padStart(3, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole.toString();
}
