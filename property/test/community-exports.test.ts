// EV-charger CSV import, the run's exports (CSV, xlsx) and the PDF, against a real database.
import { localMidnightUtcMs } from "@c4e/domain";
import ExcelJS from "exceljs";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCommunityRun, previewCommunityRun } from "../src/community/billing-run.ts";
import { addUnit, assignMeter, createCommunity, moveIn } from "../src/community/communities.ts";
import { importEvCsv } from "../src/community/ev-csv-import.ts";
import { exportRunCsv, exportRunXlsx } from "../src/community/exports.ts";
import { communityInvoicePdf } from "../src/community/invoice-document.ts";
import {
  addMeters,
  BASE_COMMUNITY,
  type CommunityTestDb,
  createCommunityTestDb,
  fillIntervals,
  MANAGER,
  OTHER_TENANT,
} from "./community-fixtures.ts";

let t: CommunityTestDb;
let pool: pg.Pool;
const TZ = "Europe/Zurich";
const day = { start: localMidnightUtcMs("2026-03-01", TZ), end: localMidnightUtcMs("2026-04-01", TZ) };

beforeAll(async () => {
  t = await createCommunityTestDb("property_community_exports");
  pool = t.pool;
  await addMeters(pool, ["pv-9", "a-9"]);
  await addMeters(pool, ["ev-9"], 11_000); // 11 kW charger: at most 2750 Wh per quarter hour
  await createCommunity(pool, MANAGER, { ...BASE_COMMUNITY, id: "lindenhof", name: "Lindenhof" });
  const a = await addUnit(pool, MANAGER, { communityId: "lindenhof", name: "A", areaM2: "80" });
  await assignMeter(pool, MANAGER, {
    communityId: "lindenhof",
    meterId: "pv-9",
    role: "plant",
    plantOwner: "Owner",
  });
  await assignMeter(pool, MANAGER, {
    communityId: "lindenhof",
    meterId: "a-9",
    role: "apartment",
    unitId: a.id,
  });
  await assignMeter(pool, MANAGER, {
    communityId: "lindenhof",
    meterId: "ev-9",
    role: "ev_charger",
    unitId: a.id,
    source: "csv",
  });
  await fillIntervals(pool, {
    meterId: "pv-9",
    register: "export",
    startMs: day.start,
    endMs: day.end,
    wh: () => 50,
  });
  await fillIntervals(pool, {
    meterId: "a-9",
    register: "import",
    startMs: day.start,
    endMs: day.end,
    wh: () => 50,
  });
  await moveIn(pool, MANAGER, {
    communityId: "lindenhof",
    unitId: a.id,
    name: "Frida Franz",
    moveIn: "2026-01-01",
  });
});
afterAll(async () => t?.close());

function evCsv(skip?: number): string {
  const rows = ["meter_id,interval_start,energy_wh"];
  let k = 0;
  for (let s = day.start; s < day.end; s += 900_000, k++)
    if (k !== skip) rows.push(`ev-9,${new Date(s).toISOString()},100`);
  return rows.join("\n");
}

describe("EV-charger CSV", () => {
  it("refuses a file with bad rows, naming each line, and stores nothing", async () => {
    const csv = [
      "meter_id,interval_start,energy_wh",
      "ev-9,2026-03-01T00:00:00+01:00,100",
      "ev-9,2026-03-01T00:07:00+01:00,100",
      "ev-9,2026-03-01T00:15:00+01:00,9999",
      "a-9,2026-03-01T00:30:00+01:00,1",
      "ev-9,2026-03-01T00:00:00+01:00,100",
    ].join("\n");
    const e = await importEvCsv(pool, MANAGER, { communityId: "lindenhof", importId: "bad", csv }).catch(
      (x: unknown) => x,
    );
    expect((e as { details: string[] }).details).toEqual([
      "line 3: interval_start 2026-03-01T00:07:00+01:00 is not on the quarter-hour grid",
      "line 4: energy_wh 9999 exceeds the charger's 2750 Wh per quarter hour (rated power)",
      'line 5: meter "a-9" is no CSV EV charger of community lindenhof',
      "line 6: ev-9 2026-03-01T00:00:00+01:00 appears twice",
    ]);
    const n = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM community_ev_interval`);
    expect(n.rows[0]!.n).toBe(0);
    await expect(
      importEvCsv(pool, MANAGER, { communityId: "lindenhof", importId: "h", csv: "a,b\n1,2" }),
    ).rejects.toThrow("csv line 1");
  });

  it("stores a month, skips an identical re-import and refuses a changed value", async () => {
    const first = await importEvCsv(pool, MANAGER, {
      communityId: "lindenhof",
      importId: "march",
      csv: evCsv(),
    });
    expect(first).toEqual({ importId: "march", stored: 2972, unchanged: 0 }); // March 2026 in Zurich: 31 × 96 − 4
    const again = await importEvCsv(pool, MANAGER, {
      communityId: "lindenhof",
      importId: "march-2",
      csv: evCsv(),
    });
    expect(again).toEqual({ importId: "march-2", stored: 0, unchanged: 2972 });
    const changed = `meter_id,interval_start,energy_wh\nev-9,${new Date(day.start).toISOString()},101`;
    await expect(
      importEvCsv(pool, MANAGER, { communityId: "lindenhof", importId: "x", csv: changed }),
    ).rejects.toThrow("nothing stored");
  });
});

describe("exports and documents", () => {
  it("bills the imported EV energy, exports CSV and xlsx, and renders the PDF", async () => {
    const run = await previewCommunityRun(pool, MANAGER, { communityId: "lindenhof", start: "2026-03-01" });
    expect(run.summary.complete).toBe(true);
    // per quarter hour: 50 solar for 150 consumed (a 50 + EV 100) → 2972 × 50 solar, 2972 × 100 grid
    expect(run.items).toHaveLength(1);
    expect(run.items[0]).toMatchObject({
      solarWh: 148_600n,
      gridWh: 297_200n,
      selfSufficiencyPercent: "33.3",
    });
    await issueCommunityRun(pool, MANAGER, { runId: run.id, issueDate: "2026-04-02" });

    const csv = await exportRunCsv(pool, MANAGER, run.id);
    const [header, row] = csv.trim().split("\n");
    expect(header).toBe(
      "community_id,period_start,period_end,unit,occupant,occupant_kind,segment_start,segment_end,invoice_number,solar_kwh,grid_kwh,self_sufficiency_percent,net,vat,total,currency",
    );
    // solar 148.6 × 0.20 = 29.72; grid 297.2 × 0.30 = 89.16; fee 1 month × 5 = 5.00 → 123.88; VAT 8.1 % = 10.03428 → 10.03
    expect(row).toBe(
      "lindenhof,2026-03-01,2026-04-01,A,Frida Franz,tenant,2026-03-01,2026-04-01,LINDENHOF-000001,148.6,297.2,33.3,123.88,10.03,133.91,CHF",
    );

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportRunXlsx(pool, MANAGER, run.id)) as never);
    expect(wb.worksheets.map((s) => s.name)).toEqual(["Summary", "Unit A"]);
    const unit = wb.getWorksheet("Unit A")!;
    const totalRow = unit.getRows(1, unit.rowCount)!.find((r) => r.getCell(1).value === "Total");
    expect(totalRow?.getCell(5).value).toBe("133.91");

    const pdf = await communityInvoicePdf(pool, MANAGER, run.items[0]!.invoiceId);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await expect(
      communityInvoicePdf(pool, { retailerId: OTHER_TENANT }, run.items[0]!.invoiceId),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});
