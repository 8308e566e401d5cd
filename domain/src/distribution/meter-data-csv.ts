/**
 * The documented CSV for importing interval meter data (docs/distribution.md, "Meter data CSV"):
 *
 *     metering_point_id;start;end;quantity;unit;quality
 *     571313100000000001;2025-03-01T00:00:00+01:00;2025-03-01T00:15:00+01:00;0.250;kWh;measured
 *
 * `;`-separated with a header (columns in any order, a UTF-8 BOM allowed); `start`/`end` ISO-8601
 * instants with `Z` or an offset, half-open; `quantity` a decimal with `.` (empty only when the
 * quality is `missing`); `unit` kWh, Wh, m3 or L; `quality` measured, estimated or missing.
 * Quantities become integers of the base unit (Wh for energy, litres for water/gas volume) and are
 * refused when they do not fit exactly (0.0005 kWh). Errors name line and column; two rows for one
 * metering point and start are refused. Interval completeness is checked afterwards with
 * `checkMsconsIntervals` (the same rules as for MSCONS).
 */
import { BillingDecimal } from "../billing/money.ts";
import { CsvCells, parseSemicolonCsv } from "./datahub-input.ts";
import { DistributionInputError } from "./errors.ts";

export type MeterDataUnit = "kWh" | "Wh" | "m3" | "L";

export type MeterDataRow = {
  meteringPointId: string;
  startMs: number;
  endMs: number;
  /** Integer Wh (kWh, Wh) or litres (m3, L); null when missing. */
  quantity: bigint | null;
  baseUnit: "Wh" | "L";
  quality: "measured" | "estimated" | "missing";
  /** The CSV line (as `segmentNumber`, so the rows go straight into checkMsconsIntervals). */
  segmentNumber: number;
};

const SCALE: Record<MeterDataUnit, { base: "Wh" | "L"; factor: number }> = {
  kWh: { base: "Wh", factor: 1000 },
  Wh: { base: "Wh", factor: 1 },
  m3: { base: "L", factor: 1000 },
  L: { base: "L", factor: 1 },
};

/** Reads the meter-data CSV into rows grouped by metering point, each sorted by start. */
export function parseMeterDataCsv(text: string, file = "meter-data.csv"): Map<string, MeterDataRow[]> {
  const out = new Map<string, MeterDataRow[]>();
  const seen = new Map<string, number>();
  for (const row of parseSemicolonCsv(text, file)) {
    const c = new CsvCells(file, row);
    const meteringPointId = c.text("metering_point_id");
    const startMs = c.instant("start");
    const endMs = c.instant("end");
    if (endMs <= startMs) throw new DistributionInputError(c.where("end"), "ends at or before start");
    const unit = c.oneOf("unit", ["kWh", "Wh", "m3", "L"] as const);
    const quality = c.oneOf("quality", ["measured", "estimated", "missing"] as const);
    let quantity: bigint | null = null;
    if (c.optional("quantity") === null) {
      if (quality !== "missing")
        throw new DistributionInputError(c.where("quantity"), `empty, but the quality is ${quality}`);
    } else {
      const scaled = c.decimal("quantity").times(new BillingDecimal(SCALE[unit].factor));
      if (!scaled.isInteger()) {
        throw new DistributionInputError(
          c.where("quantity"),
          `${c.text("quantity")} ${unit} is not a whole number of ${SCALE[unit].base}`,
        );
      }
      quantity = BigInt(scaled.toFixed(0));
    }
    const key = `${meteringPointId}|${startMs}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new DistributionInputError(
        `${file}:${row.line}`,
        `a second row for ${meteringPointId} at ${new Date(startMs).toISOString()} (line ${earlier})`,
      );
    }
    seen.set(key, row.line);
    const rows = out.get(meteringPointId) ?? [];
    rows.push({
      meteringPointId,
      startMs,
      endMs,
      quantity,
      baseUnit: SCALE[unit].base,
      quality,
      segmentNumber: row.line,
    });
    out.set(meteringPointId, rows);
  }
  for (const [id, rows] of out) {
    rows.sort((a, b) => a.startMs - b.startMs);
    const units = new Set(rows.map((r) => r.baseUnit));
    if (units.size > 1)
      throw new DistributionInputError(`${file}`, `metering point ${id} mixes energy and volume units`);
  }
  return out;
}
