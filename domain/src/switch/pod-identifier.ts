/**
 * POD (point of delivery) identifiers the supplier switch accepts. Two German formats:
 *
 * - Zählpunktbezeichnung (metering point designation, 33 characters): "DE" followed by 31 letters or
 *   digits (network operator number, postal code and the operator's own counting number).
 * - Marktlokations-ID (MaLo-ID, 11 digits, first digit 1–9): the 11th digit is a check digit (BDEW
 *   "Marktlokations-ID" rule): sum the digits at positions 1, 3, 5, 7, 9; add twice the sum of the
 *   digits at positions 2, 4, 6, 8, 10; the check digit is the distance to the next multiple of 10
 *   (10 → 0).
 *
 * Spaces and hyphens are ignored and letters upper-cased before checking.
 */
export type PodKind = "zaehlpunkt" | "malo";

export type PodRejection =
  /** nothing entered */
  | "empty"
  /** starts with DE but is not 33 letters/digits */
  | "zaehlpunkt_format"
  /** 11 digits whose check digit does not match */
  | "malo_check_digit"
  /** neither format */
  | "unknown_format";

export type PodValidation =
  { ok: true; kind: PodKind; identifier: string } | { ok: false; reason: PodRejection };

/** The MaLo-ID check digit of the first 10 digits. @example maloCheckDigit("5123869678") // 1 */
export function maloCheckDigit(first10: string): number {
  if (!/^\d{10}$/.test(first10)) throw new RangeError("maloCheckDigit needs 10 digits");
  let odd = 0;
  let even = 0;
  for (let i = 0; i < 10; i++) {
    const digit = first10.charCodeAt(i) - 48;
    if (i % 2 === 0) odd += digit;
    else even += digit;
  }
  return (10 - ((odd + 2 * even) % 10)) % 10;
}

/** Validates and normalises a POD identifier (see the formats above). */
export function validatePodIdentifier(text: string): PodValidation {
  const identifier = text.replace(/[\s-]/g, "").toUpperCase();
  if (identifier === "") return { ok: false, reason: "empty" };
  if (/^\d{11}$/.test(identifier)) {
    if (identifier[0] === "0") return { ok: false, reason: "unknown_format" };
    const check = maloCheckDigit(identifier.slice(0, 10));
    return String(check) === identifier[10]
      ? { ok: true, kind: "malo", identifier }
      : { ok: false, reason: "malo_check_digit" };
  }
  if (identifier.startsWith("DE")) {
    return /^DE[A-Z0-9]{31}$/.test(identifier)
      ? { ok: true, kind: "zaehlpunkt", identifier }
      : { ok: false, reason: "zaehlpunkt_format" };
  }
  return { ok: false, reason: "unknown_format" };
}
