// The three Energinet DataHub scenarios (opengeh-wholesale, Apache-2.0; domain/test-data/datahub/
// SOURCE.md): inputs from when/, every expected file in then/wholesale_results and
// then/energy_results matched value for value (ids and execution times are not results).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BillingDecimal } from "../billing/money.ts";
import {
  type DataHubCalculation,
  type DataHubCsvFiles,
  parseSemicolonCsv,
  readDataHubCsv,
} from "./datahub-input.ts";
import { type EnergyResult, calculateDataHubEnergy } from "./datahub-energy.ts";
import { type WholesaleResult, type WholesaleRow, calculateDataHubWholesale } from "./datahub-wholesale.ts";
import { DistributionInputError } from "./errors.ts";

const ROOT = new URL("../../test-data/datahub/", import.meta.url);
const TZ = "Europe/Copenhagen";

// From each scenario's calculation_arguments.yml (written out in SOURCE.md).
const SCENARIOS: Record<string, DataHubCalculation> = {
  given_calculation_covers_multiple_ga: {
    gridAreas: ["888", "999"],
    startMs: Date.parse("2023-01-31T23:00:00Z"),
    endMs: Date.parse("2023-02-01T23:00:00Z"),
    timeZone: TZ,
  },
  given_extra_fees_or_subscriptions_are_added: {
    gridAreas: ["800"],
    startMs: Date.parse("2023-01-31T23:00:00Z"),
    endMs: Date.parse("2023-02-02T23:00:00Z"),
    timeZone: TZ,
  },
  given_minimal_standard_energy_scenario: {
    gridAreas: ["800"],
    startMs: Date.parse("2023-07-02T02:00:00Z"),
    endMs: Date.parse("2023-07-02T03:00:00Z"),
    timeZone: TZ,
  },
};

function read(scenario: string, path: string): string | undefined {
  const url = new URL(`${scenario}/${path}`, ROOT);
  return existsSync(url) ? readFileSync(url, "utf8") : undefined;
}

function inputOf(scenario: string) {
  const files = {} as Record<string, string>;
  for (const name of [
    "metering_point_periods.csv",
    "time_series_points.csv",
    "grid_loss_metering_points.csv",
    "charge_price_information_periods.csv",
    "charge_price_points.csv",
    "charge_link_periods.csv",
  ]) {
    const text = read(scenario, `when/${name}`);
    if (text !== undefined) files[name] = text;
  }
  return readDataHubCsv(files as DataHubCsvFiles);
}

/** Expected file rows as `key → values` lines, and the list of files. */
function expectedFiles(scenario: string, folder: string): string[] {
  const dir = new URL(`${scenario}/then/${folder}/`, ROOT);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".csv"))
        .sort()
    : [];
}
function expectedRows(scenario: string, folder: string, file: string) {
  return parseSemicolonCsv(read(scenario, `then/${folder}/${file}`)!, file).map(
    (r) => (c: string) => r.cells.get(c) ?? "",
  );
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
/** kWh with 3 decimals ↔ integer Wh; money and prices compared as exact decimals. */
const wh = (kwh: string) => BigInt(new BillingDecimal(kwh).times(1000).toFixed(0)).toString();
const money = (v: string) => (v === "" ? "null" : new BillingDecimal(v).toFixed());
const qualities = (v: string) =>
  v === ""
    ? ""
    : v
        .replace(/^\[|\]$/g, "")
        .split(",")
        .map((q) => q.trim().replace(/^'|'$/g, ""))
        .sort()
        .join(",");

const SETTLEMENT: Record<string, string> = { flex: "flex", non_profiled: "non_profiled", "": "" };

function wholesaleLine(r: WholesaleRow): string {
  return [
    r.gridArea,
    r.energySupplierId,
    r.code,
    r.type,
    r.ownerId,
    iso(r.timeMs),
    `qty=${r.quantity * (r.type === "tariff" ? 1n : 1000n)}`,
    `q=${[...r.qualities].sort().join(",")}`,
    r.resolution,
    r.meteringPointType,
    r.settlementMethod ?? "",
    `price=${r.price === null ? "null" : r.price.toFixed()}`,
    `amount=${r.amount === null ? "null" : r.amount.toFixed()}`,
    `tax=${r.isTax}`,
  ].join(" ");
}

function expectedWholesaleLine(c: (col: string) => string): string {
  return [
    c("grid_area_code"),
    c("energy_supplier_id"),
    c("charge_code"),
    c("charge_type"),
    c("charge_owner_id"),
    c("time"),
    // pieces are written like kWh (1.000), so both become thousandths
    `qty=${wh(c("quantity"))}`,
    `q=${qualities(c("quantity_qualities"))}`,
    c("resolution"),
    c("metering_point_type"),
    SETTLEMENT[c("settlement_method")] ?? `?${c("settlement_method")}`,
    `price=${money(c("price"))}`,
    `amount=${money(c("amount"))}`,
    `tax=${c("is_tax") === "True"}`,
  ].join(" ");
}

function actualWholesale(result: WholesaleResult, file: string): string[] {
  const monthly = (source: string) =>
    result.monthlyAmounts
      .filter((m) => m.source === source)
      .map((m) =>
        [
          m.gridArea,
          m.energySupplierId,
          m.code,
          m.type,
          m.ownerId,
          iso(m.timeMs),
          `amount=${m.amount.toFixed()}`,
          `tax=${m.isTax}`,
        ].join(" "),
      );
  const totals = (list: WholesaleResult["totalsPerSupplier"]) =>
    list.map((t) =>
      [
        t.gridArea,
        t.energySupplierId,
        t.chargeOwnerId ?? "",
        iso(t.timeMs),
        `amount=${t.amount.toFixed()}`,
      ].join(" "),
    );
  switch (file) {
    case "hourly_tariff_per_co_es.csv":
      return result.hourlyTariffs.map(wholesaleLine);
    case "daily_tariff_per_co_es.csv":
      return result.dailyTariffs.map(wholesaleLine);
    case "fee_per_co_es.csv":
      return result.fees.map(wholesaleLine);
    case "subscription_per_co_es.csv":
      return result.subscriptions.map(wholesaleLine);
    case "monthly_tariff_from_hourly_per_co_es.csv":
      return monthly("hourly_tariff");
    case "monthly_tariff_from_daily_per_co_es.csv":
      return monthly("daily_tariff");
    case "monthly_fee_per_co_es.csv":
      return monthly("fee");
    case "monthly_subscription_per_co_es.csv":
      return monthly("subscription");
    case "total_monthly_amounts_per_es.csv":
      return totals(result.totalsPerSupplier);
    case "total_monthly_amounts_per_co_es.csv":
      return totals(result.totalsPerSupplierAndOwner);
    default:
      throw new Error(`no mapping for ${file}`);
  }
}

function expectedWholesale(c: (col: string) => string, file: string): string {
  if (file.startsWith("monthly_")) {
    return [
      c("grid_area_code"),
      c("energy_supplier_id"),
      c("charge_code"),
      c("charge_type"),
      c("charge_owner_id"),
      c("time"),
      `amount=${money(c("amount"))}`,
      `tax=${c("is_tax") === "True"}`,
    ].join(" ");
  }
  if (file.startsWith("total_")) {
    return [
      c("grid_area_code"),
      c("energy_supplier_id"),
      c("charge_owner_id"),
      c("time"),
      `amount=${money(c("amount"))}`,
    ].join(" ");
  }
  return expectedWholesaleLine(c);
}

const energyKey = (
  type: string,
  ga: string,
  es: string,
  brp: string,
  neighbor: string,
  mp: string,
  time: string,
) => [type, ga, `es=${es}`, `brp=${brp}`, `n=${neighbor}`, `mp=${mp}`, time].join(" ");
const energyLine = (r: EnergyResult) =>
  `${energyKey(
    r.type,
    r.gridArea,
    r.energySupplierId ?? "",
    r.balanceResponsibleId ?? "",
    r.neighborGridArea ?? "",
    r.meteringPointId ?? "",
    iso(r.timeMs),
  )} qty=${r.quantityWh} q=${[...r.qualities].sort().join(",")}`;
/** The aggregation level of a row: which of supplier and BRP it names. */
const levelOf = (type: string, es: string, brp: string) =>
  `${type}/${es === "" ? "-" : "es"}/${brp === "" ? "-" : "brp"}`;

describe.each(Object.keys(SCENARIOS))("DataHub scenario %s", (scenario) => {
  const calc = SCENARIOS[scenario]!;
  const input = inputOf(scenario);

  const wholesaleFiles = expectedFiles(scenario, "wholesale_results");
  if (wholesaleFiles.length > 0) {
    const result = calculateDataHubWholesale(input, calc);
    it.each(wholesaleFiles)("wholesale_results/%s matches value for value", (file) => {
      const expected = expectedRows(scenario, "wholesale_results", file).map((c) =>
        expectedWholesale(c, file),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(actualWholesale(result, file).sort()).toEqual(expected.sort());
    });
  }

  const energyFiles = expectedFiles(scenario, "energy_results");
  if (energyFiles.length > 0) {
    const result = calculateDataHubEnergy(input, calc);
    it.each(energyFiles)("energy_results/%s matches value for value", (file) => {
      const rows = expectedRows(scenario, "energy_results", file);
      expect(rows.length).toBeGreaterThan(0);
      const expected = rows.map(
        (c) =>
          `${energyKey(
            c("time_series_type"),
            c("grid_area_code"),
            c("energy_supplier_id"),
            c("balance_responsible_party_id"),
            c("neighbor_grid_area_code"),
            c("metering_point_id"),
            c("time"),
          )} qty=${wh(c("quantity"))} q=${qualities(c("quantity_qualities"))}`,
      );
      const levels = new Set(
        rows.map((c) =>
          levelOf(c("time_series_type"), c("energy_supplier_id"), c("balance_responsible_party_id")),
        ),
      );
      const actual = result
        .filter((r) => levels.has(levelOf(r.type, r.energySupplierId ?? "", r.balanceResponsibleId ?? "")))
        .map(energyLine);
      expect(actual.sort()).toEqual(expected.sort());
    });
  }
});

describe("DataHub input", () => {
  it("names file, line and column on a bad cell", () => {
    const files = {
      "metering_point_periods.csv": read(
        "given_minimal_standard_energy_scenario",
        "when/metering_point_periods.csv",
      )!,
      "time_series_points.csv":
        "metering_point_id;quantity;quality;observation_time\n1;2.5005;measured;2023-07-02T02:00:00Z\n",
      "grid_loss_metering_points.csv": "metering_point_id\n1\n",
    };
    expect(() => readDataHubCsv(files)).toThrow(
      new DistributionInputError("time_series_points.csv:2 quantity", "more than 3 decimals of kWh: 2.5005"),
    );
    expect(() =>
      readDataHubCsv({ ...files, "time_series_points.csv": "metering_point_id;quantity\n1;2;3\n" }),
    ).toThrow("time_series_points.csv:2: 3 cells, the header has 2");
  });

  it("refuses a grid area without grid-loss metering points", () => {
    const input = inputOf("given_minimal_standard_energy_scenario");
    expect(() =>
      calculateDataHubEnergy(
        { ...input, gridLossMeteringPointIds: [] },
        SCENARIOS.given_minimal_standard_energy_scenario!,
      ),
    ).toThrow("grid area 800: needs an E17 and an E18 grid-loss metering point at 2023-07-02T02:00:00.000Z");
  });
});
