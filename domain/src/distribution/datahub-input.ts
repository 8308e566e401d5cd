/**
 * The input of an Energinet DataHub wholesale/energy calculation, and a reader for its CSV form
 * (`;`-separated, header row, optional UTF-8 BOM, empty cell = null, decimal point `.`), as in the
 * DataHub scenario tests (opengeh-wholesale, Apache-2.0; copies in domain/test-data/datahub/).
 *
 * Energy crosses as integer Wh (the files' kWh have at most 3 decimals); prices as exact decimals.
 */
import { BillingDecimal, DECIMAL_PATTERN } from "../billing/money.ts";
import { parseIsoInstant } from "../iso-instant.ts";
import { DistributionInputError } from "./errors.ts";

/** DataHub metering point types (ebIX codes) and the names the results use. */
export const METERING_POINT_TYPES = {
  E17: "consumption",
  E18: "production",
  E20: "exchange",
  D01: "ve_production",
  D05: "net_production",
  D06: "supply_to_grid",
  D07: "consumption_from_grid",
  D08: "wholesale_services_information",
  D09: "own_production",
  D10: "net_from_grid",
  D11: "net_to_grid",
  D12: "total_consumption",
  D14: "electrical_heating",
  D15: "net_consumption",
  D19: "capacity_settlement",
} as const;
export type MeteringPointTypeCode = keyof typeof METERING_POINT_TYPES;

/** D01 flex-settled, E02 non-profiled (hourly/quarterly settled); null for non-consumption points. */
export type SettlementMethod = "flex" | "non_profiled" | null;

export type MeteringPointPeriod = {
  meteringPointId: string;
  type: MeteringPointTypeCode;
  settlementMethod: SettlementMethod;
  gridArea: string;
  resolution: "PT15M" | "PT1H";
  fromGridArea: string | null;
  toGridArea: string | null;
  parentMeteringPointId: string | null;
  energySupplierId: string | null;
  balanceResponsibleId: string | null;
  fromMs: number;
  toMs: number | null;
};

export type Quality = "measured" | "missing" | "estimated" | "calculated";

export type TimeSeriesPoint = {
  meteringPointId: string;
  /** null when the quantity cell is empty (a point marked missing). */
  quantityWh: bigint | null;
  quality: Quality;
  observationMs: number;
};

export type ChargeType = "tariff" | "fee" | "subscription";

export type ChargeKey = { code: string; type: ChargeType; ownerId: string };

export type ChargePriceInformation = ChargeKey & {
  resolution: "PT1H" | "P1D" | "P1M";
  isTax: boolean;
  fromMs: number;
  toMs: number | null;
};

export type ChargePricePoint = ChargeKey & { price: BillingDecimal; timeMs: number };

export type ChargeLinkPeriod = ChargeKey & {
  meteringPointId: string;
  quantity: bigint;
  fromMs: number;
  toMs: number | null;
};

export type DataHubInput = {
  meteringPointPeriods: MeteringPointPeriod[];
  timeSeriesPoints: TimeSeriesPoint[];
  gridLossMeteringPointIds: string[];
  chargePriceInformation: ChargePriceInformation[];
  chargePricePoints: ChargePricePoint[];
  chargeLinks: ChargeLinkPeriod[];
};

/** One calculation: the grid areas, the period `[startMs, endMs)` and the market's time zone. */
export type DataHubCalculation = { gridAreas: string[]; startMs: number; endMs: number; timeZone: string };

export const chargeKeyOf = (c: ChargeKey): string => `${c.code}|${c.type}|${c.ownerId}`;

/** A CSV row by header name, with its 1-based line number for messages. */
export type CsvRow = { line: number; cells: ReadonlyMap<string, string> };

/** Splits a DataHub CSV file into rows; refuses a row whose cell count differs from the header. */
export function parseSemicolonCsv(text: string, file: string): CsvRow[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = lines[0]?.split(";") ?? [];
  if (header.length === 0 || header[0] === "") throw new DistributionInputError(`${file}:1`, "no header row");
  const rows: CsvRow[] = [];
  lines.slice(1).forEach((l, i) => {
    if (l === "") return;
    const cells = l.split(";");
    if (cells.length !== header.length) {
      throw new DistributionInputError(
        `${file}:${i + 2}`,
        `${cells.length} cells, the header has ${header.length}`,
      );
    }
    rows.push({ line: i + 2, cells: new Map(header.map((h, j) => [h, cells[j]!])) });
  });
  return rows;
}

/** Cell readers that name file, line and column on a bad value. */
export class CsvCells {
  constructor(
    private readonly file: string,
    private readonly row: CsvRow,
  ) {}

  where(column: string): string {
    return `${this.file}:${this.row.line} ${column}`;
  }

  text(column: string): string {
    const v = this.row.cells.get(column);
    if (v === undefined)
      throw new DistributionInputError(`${this.file}:${this.row.line}`, `no column ${column}`);
    if (v === "") throw new DistributionInputError(this.where(column), "empty");
    return v;
  }

  optional(column: string): string | null {
    const v = this.row.cells.get(column);
    return v === undefined || v === "" ? null : v;
  }

  instant(column: string): number {
    const v = this.text(column);
    const d = parseIsoInstant(v);
    if (d === null)
      throw new DistributionInputError(this.where(column), `not an ISO-8601 instant: ${JSON.stringify(v)}`);
    return d.getTime();
  }

  optionalInstant(column: string): number | null {
    return this.optional(column) === null ? null : this.instant(column);
  }

  decimal(column: string): BillingDecimal {
    const v = this.text(column);
    if (!DECIMAL_PATTERN.test(v))
      throw new DistributionInputError(this.where(column), `not a decimal: ${JSON.stringify(v)}`);
    return new BillingDecimal(v);
  }

  /** kWh with at most 3 decimals → integer Wh. */
  energyWh(column: string): bigint {
    const kwh = this.decimal(column);
    const wh = kwh.times(1000);
    if (!wh.isInteger())
      throw new DistributionInputError(this.where(column), `more than 3 decimals of kWh: ${kwh.toFixed()}`);
    return BigInt(wh.toFixed(0));
  }

  oneOf<T extends string>(column: string, allowed: readonly T[]): T {
    const v = this.text(column);
    if (!(allowed as readonly string[]).includes(v)) {
      throw new DistributionInputError(
        this.where(column),
        `expected one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`,
      );
    }
    return v as T;
  }

  bool(column: string): boolean {
    return this.oneOf(column, ["true", "false"]) === "true";
  }
}

const TYPE_CODES = Object.keys(METERING_POINT_TYPES) as MeteringPointTypeCode[];
const CHARGE_TYPES: readonly ChargeType[] = ["tariff", "fee", "subscription"];

function chargeKey(c: CsvCells): ChargeKey {
  return {
    code: c.text("charge_code"),
    type: c.oneOf("charge_type", CHARGE_TYPES),
    ownerId: c.text("charge_owner_id"),
  };
}

/** The files of a scenario's `when/` folder, by name, as text (missing charge files = no charges). */
export type DataHubCsvFiles = {
  "metering_point_periods.csv": string;
  "time_series_points.csv": string;
  "grid_loss_metering_points.csv": string;
  "charge_price_information_periods.csv"?: string;
  "charge_price_points.csv"?: string;
  "charge_link_periods.csv"?: string;
};

/** Reads a scenario's CSV files into a DataHubInput; errors name file, line and column. */
export function readDataHubCsv(files: DataHubCsvFiles): DataHubInput {
  const rows = (name: keyof DataHubCsvFiles) => {
    const text = files[name];
    return text === undefined ? [] : parseSemicolonCsv(text, name).map((r) => new CsvCells(name, r));
  };
  return {
    meteringPointPeriods: rows("metering_point_periods.csv").map((c) => {
      const sm = c.optional("settlement_method");
      const settlementMethod: SettlementMethod =
        sm === null ? null : sm === "D01" ? "flex" : sm === "E02" ? "non_profiled" : null;
      if (sm !== null && settlementMethod === null) {
        throw new DistributionInputError(
          c.where("settlement_method"),
          `expected D01 or E02, got ${JSON.stringify(sm)}`,
        );
      }
      return {
        meteringPointId: c.text("metering_point_id"),
        type: c.oneOf("type", TYPE_CODES),
        settlementMethod,
        gridArea: c.text("grid_area_code"),
        resolution: c.oneOf("resolution", ["PT15M", "PT1H"] as const),
        fromGridArea: c.optional("from_grid_area_code"),
        toGridArea: c.optional("to_grid_area_code"),
        parentMeteringPointId: c.optional("parent_metering_point_id"),
        energySupplierId: c.optional("energy_supplier_id"),
        balanceResponsibleId: c.optional("balance_responsible_party_id"),
        fromMs: c.instant("from_date"),
        toMs: c.optionalInstant("to_date"),
      };
    }),
    timeSeriesPoints: rows("time_series_points.csv").map((c) => ({
      meteringPointId: c.text("metering_point_id"),
      quantityWh: c.optional("quantity") === null ? null : c.energyWh("quantity"),
      quality: c.oneOf("quality", ["measured", "missing", "estimated", "calculated"] as const),
      observationMs: c.instant("observation_time"),
    })),
    gridLossMeteringPointIds: rows("grid_loss_metering_points.csv").map((c) => c.text("metering_point_id")),
    chargePriceInformation: rows("charge_price_information_periods.csv").map((c) => ({
      ...chargeKey(c),
      resolution: c.oneOf("resolution", ["PT1H", "P1D", "P1M"] as const),
      isTax: c.bool("is_tax"),
      fromMs: c.instant("from_date"),
      toMs: c.optionalInstant("to_date"),
    })),
    chargePricePoints: rows("charge_price_points.csv").map((c) => ({
      ...chargeKey(c),
      price: c.decimal("charge_price"),
      timeMs: c.instant("charge_time"),
    })),
    chargeLinks: rows("charge_link_periods.csv").map((c) => {
      const q = c.decimal("quantity");
      if (!q.isInteger() || q.isNegative())
        throw new DistributionInputError(
          c.where("quantity"),
          `expected a whole number of pieces, got ${q.toFixed()}`,
        );
      return {
        ...chargeKey(c),
        meteringPointId: c.text("metering_point_id"),
        quantity: BigInt(q.toFixed(0)),
        fromMs: c.instant("from_date"),
        toMs: c.optionalInstant("to_date"),
      };
    }),
  };
}
