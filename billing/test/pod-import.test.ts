import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importPods, POD_CSV_COLUMNS } from "../src/pod-import.ts";
import { type BillingTestDb, createBillingTestDb } from "./fixtures.ts";

let t: BillingTestDb;
beforeAll(async () => {
  t = await createBillingTestDb("pod_import");
});
afterAll(async () => {
  await t?.close();
});

const HEADER = POD_CSV_COLUMNS.join(",");
const FORECAST = "300|280|270|250|220|200|200|210|230|260|280|300";

function row(fields: Partial<Record<(typeof POD_CSV_COLUMNS)[number], string>>): string {
  const base: Record<string, string> = {
    identifier: "DE-IMPORT-0001",
    name: "Shop Hauptstraße",
    address: "Hauptstraße 1, 10115 Berlin",
    site_id: "",
    contract_number: "C-CTR-ALICE",
    metering: "slp",
    annual_reference_kwh: "3000",
    monthly_forecast_kwh: FORECAST,
    profile_type: "H25",
    distributor_code: "9900000000001",
    trader_code: "9900000000002",
    balance_group_code: "11XDEMO-BG-----1",
    network_charges_payer: "customer",
    network_tariff_code: "H0-LV",
    sign_in_date: "2026-01-01",
    sign_out_date: "",
    time_zone: "Europe/Berlin",
    ...fields,
  };
  return POD_CSV_COLUMNS.map((c) => {
    const v = base[c] ?? "";
    return /[",]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  }).join(",");
}

const count = async () => (await t.pool.query(`SELECT count(*)::int AS n FROM pod`)).rows[0].n as number;

describe("POD import", () => {
  it("creates, then reports changed and unchanged rows", async () => {
    const before = await count();
    const csv = [
      HEADER,
      row({}),
      row({ identifier: "DE-IMPORT-0002", metering: "amr", profile_type: "" }),
    ].join("\n");
    const first = await importPods(t.pool, csv);
    expect(first).toMatchObject({ applied: true, rows: 2, rejected: [], changed: [] });
    expect(first.created.map((c) => c.identifier)).toEqual(["DE-IMPORT-0001", "DE-IMPORT-0002"]);
    expect(await count()).toBe(before + 2);

    const second = await importPods(
      t.pool,
      [
        HEADER,
        row({ annual_reference_kwh: "3200.5", sign_out_date: "2026-12-31" }),
        row({ identifier: "DE-IMPORT-0002", metering: "amr", profile_type: "" }),
      ].join("\n"),
    );
    expect(second.created).toEqual([]);
    expect(second.changed).toEqual([
      { line: 2, identifier: "DE-IMPORT-0001", fields: ["annual_reference_kwh", "sign_out_date"] },
    ]);
    expect(second.unchanged).toEqual([{ line: 3, identifier: "DE-IMPORT-0002" }]);
    const stored = await t.pool.query(
      `SELECT annual_reference_kwh::text AS a, sign_out_date::text AS s, cardinality(monthly_forecast_kwh) AS n
       FROM pod WHERE identifier = 'DE-IMPORT-0001'`,
    );
    expect(stored.rows[0]).toEqual({ a: "3200.500", s: "2026-12-31", n: 12 });
  });

  it("rejects every invalid row with its reasons and applies nothing", async () => {
    const before = await t.pool.query(`SELECT identifier, name, updated_at FROM pod ORDER BY identifier`);
    const csv = [
      HEADER,
      row({ identifier: "DE-IMPORT-0003" }), // valid, but must not be applied
      row({ identifier: "DE-IMPORT-0001", name: "Renamed" }), // valid change, must not be applied
      row({
        identifier: "DE-IMPORT-0004",
        metering: "smart",
        annual_reference_kwh: "-5",
        time_zone: "Mars/Olympus",
      }),
      row({ identifier: "DE-IMPORT-0005", distributor_code: "nope", sign_in_date: "2026-02-30" }),
      row({
        identifier: "DE-IMPORT-0006",
        sign_in_date: "2026-05-01",
        sign_out_date: "2026-04-01",
        monthly_forecast_kwh: "1|2|3",
      }),
      row({ identifier: "DE-IMPORT-0003" }), // duplicate in the file
      row({ identifier: "DE-IMPORT-0007", site_id: "site-0001-001" }), // the site belongs to a demo POD
      row({ identifier: "DE-IMPORT-0008", metering: "slp", profile_type: "" }),
    ].join("\n");
    const report = await importPods(t.pool, csv);
    expect(report.applied).toBe(false);
    expect(report.created.map((c) => c.identifier)).toEqual(["DE-IMPORT-0003"]);
    expect(report.changed.map((c) => c.identifier)).toEqual(["DE-IMPORT-0001"]);
    const reasons = Object.fromEntries(report.rejected.map((r) => [r.line, r.reasons]));
    expect(reasons[4]).toEqual([
      'metering must be slp or amr (got "smart")',
      'annual_reference_kwh must be a non-negative number with up to 3 decimals (got "-5")',
      "unknown time_zone Mars/Olympus",
    ]);
    expect(reasons[5]).toEqual([
      "unknown distributor_code nope",
      'sign_in_date must be a date YYYY-MM-DD (got "2026-02-30")',
    ]);
    expect(reasons[6]).toEqual([
      "monthly_forecast_kwh must be 12 numbers separated by | (January first)",
      "sign_out_date 2026-04-01 must be after sign_in_date 2026-05-01",
    ]);
    expect(reasons[7]).toEqual(["identifier DE-IMPORT-0003 already on line 2"]);
    expect(reasons[8]?.[0]).toMatch(/site_id site-0001-001 already belongs to POD DE-C4E-POD-0001-001/);
    expect(reasons[9]).toEqual(["profile_type is required for an SLP POD"]);
    const after = await t.pool.query(`SELECT identifier, name, updated_at FROM pod ORDER BY identifier`);
    expect(after.rows).toEqual(before.rows);
  });

  it("rejects a file with unknown or missing columns", async () => {
    const report = await importPods(t.pool, "identifier,colour\nDE-X,red\n");
    expect(report.applied).toBe(false);
    expect(report.rejected[0]?.reasons[0]).toBe("unknown column(s): colour");
    expect(report.rejected[0]?.reasons[1]).toMatch(/^missing column\(s\): name, address/);
  });

  it("a dry run validates and reports without writing", async () => {
    const before = await count();
    const report = await importPods(t.pool, [HEADER, row({ identifier: "DE-IMPORT-0099" })].join("\n"), {
      dryRun: true,
    });
    expect(report).toMatchObject({ applied: false, rejected: [] });
    expect(report.created).toHaveLength(1);
    expect(await count()).toBe(before);
  });
});
