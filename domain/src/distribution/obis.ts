/**
 * OBIS codes (IEC 62056-61): `A-B:C.D.E*F` — medium, channel, quantity, processing, tariff, billing
 * period. MSCONS names a series' quantity with one (PIA+5), often without a unit in its QTYs; the
 * unit then follows from the code: electricity (A = 1) active energy C = 1/2 (import/export) and
 * 15/16 in kWh, reactive energy C = 3/4 and quadrants 5–8 in kvarh, for energy processing
 * D = 8 (register), 9 (register increment) and 29 (energy per interval).
 */

export type ObisCode = { a: number; b: number; c: number; d: number; e: number; f: number | null };

const OBIS = /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\*(\d{1,3}))?$/;

/**
 * Parses `A-B:C.D.E` with an optional `*F`; undefined when the text is not an OBIS code or a
 * group is above 255.
 * @example parseObisCode("1-1:1.29.0*255") // { a: 1, b: 1, c: 1, d: 29, e: 0, f: 255 }
 */
export function parseObisCode(text: string): ObisCode | undefined {
  const m = OBIS.exec(text);
  if (m === null) return undefined;
  const [a, b, c, d, e] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const f = m[6] === undefined ? null : Number(m[6]);
  if ([a, b, c, d, e, f ?? 0].some((x) => x > 255)) return undefined;
  return { a, b, c, d, e, f };
}

/** The energy unit an electricity OBIS code implies, or undefined when it implies none. */
export function obisEnergyUnit(code: ObisCode): "kWh" | "kvarh" | undefined {
  if (code.a !== 1 || ![8, 9, 29].includes(code.d)) return undefined;
  if ([1, 2, 15, 16].includes(code.c)) return "kWh";
  if ([3, 4, 5, 6, 7, 8].includes(code.c)) return "kvarh";
  return undefined;
}
