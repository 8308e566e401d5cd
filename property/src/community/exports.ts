// Exports of a community run: an Excel workbook (one summary sheet, one sheet per unit) and a CSV for
// property-management software (columns: docs/communities.md, "CSV export"). Energy in exact kWh
// (Wh / 1000), money in major units with the currency's digits, computed from integer minor units.
import ExcelJS from "exceljs";
import type { Queryable } from "@c4e/prisma";
import { type CommunityRun, getCommunityRun } from "./billing-run.ts";
import { getCommunity } from "./communities.ts";
import type { ManagerContext } from "./errors.ts";

export const CSV_COLUMNS = [
  "community_id",
  "period_start",
  "period_end",
  "unit",
  "occupant",
  "occupant_kind",
  "segment_start",
  "segment_end",
  "invoice_number",
  "solar_kwh",
  "grid_kwh",
  "self_sufficiency_percent",
  "net",
  "vat",
  "total",
  "currency",
] as const;

const kwh = (wh: bigint) => {
  const s = (wh < 0n ? -wh : wh).toString().padStart(4, "0");
  const out = `${s.slice(0, -3)}.${s.slice(-3)}`.replace(/\.?0+$/, "");
  return `${wh < 0n ? "-" : ""}${out === "" ? "0" : out}`;
};
const money = (minor: bigint, digits: number) => {
  if (digits === 0) return minor.toString();
  const neg = minor < 0n;
  const s = (neg ? -minor : minor).toString().padStart(digits + 1, "0");
  return `${neg ? "-" : ""}${s.slice(0, -digits)}.${s.slice(-digits)}`;
};

async function runWithNumbers(db: Queryable, ctx: ManagerContext, runId: string) {
  const run = await getCommunityRun(db, ctx, runId);
  const community = await getCommunity(db, ctx, run.communityId);
  const numbers = await db.query<{ id: string; number: string | null; digits: number }>(
    `SELECT id, number, minor_unit_digits AS digits FROM invoice WHERE id = ANY($1::uuid[])`,
    [run.items.map((i) => i.invoiceId)],
  );
  const byId = new Map(numbers.rows.map((n) => [n.id, n]));
  const digits = numbers.rows[0]?.digits ?? 2;
  return { run, community, byId, digits };
}

function csvField(v: string): string {
  return /[",\n;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The run as CSV (header + one row per bill), UTF-8, comma-separated, `.` decimals. */
export async function exportRunCsv(db: Queryable, ctx: ManagerContext, runId: string): Promise<string> {
  const { run, byId, digits, community } = await runWithNumbers(db, ctx, runId);
  const rows = run.items.map((i) =>
    [
      run.communityId,
      run.period.start,
      run.period.end,
      i.unitName,
      i.occupantName,
      i.tenancyId === null ? "owner" : "tenant",
      i.segmentStart,
      i.segmentEnd,
      byId.get(i.invoiceId)?.number ?? "",
      kwh(i.solarWh),
      kwh(i.gridWh),
      i.selfSufficiencyPercent === "—" ? "" : i.selfSufficiencyPercent,
      money(i.netMinor, digits),
      money(i.vatMinor, digits),
      money(i.totalMinor, digits),
      community.currency,
    ]
      .map(csvField)
      .join(","),
  );
  return [CSV_COLUMNS.join(","), ...rows].join("\n") + "\n";
}

/** The run as a workbook: "Summary" (period figures and one row per bill) and one sheet per unit. */
export async function exportRunXlsx(db: Queryable, ctx: ManagerContext, runId: string): Promise<Buffer> {
  const { run, community, byId, digits } = await runWithNumbers(db, ctx, runId);
  const wb = new ExcelJS.Workbook();
  wb.creator = "C4E";
  const summary = wb.addWorksheet("Summary");
  summary.addRow([`${community.name} — ${run.period.start} to ${run.period.end} (end exclusive)`]);
  summary.addRow(["Status", run.status]);
  summary.addRow(["Production kWh", kwh(BigInt(run.summary.productionWh))]);
  summary.addRow(["Consumption kWh", kwh(BigInt(run.summary.consumptionWh))]);
  summary.addRow(["Solar used kWh", kwh(BigInt(run.summary.solarUsedWh))]);
  summary.addRow(["Exported kWh", kwh(BigInt(run.summary.exportWh))]);
  summary.addRow(["Self-sufficiency %", run.summary.selfSufficiencyPercent]);
  summary.addRow(["Self-consumption %", run.summary.selfConsumptionPercent]);
  summary.addRow([
    "Solar price per kWh",
    run.summary.solarPrice.pricePerKwh,
    run.summary.solarPrice.explanation,
  ]);
  summary.addRow([
    "Quarter hours complete",
    `${run.summary.completeIntervals} / ${run.summary.expectedIntervals}`,
  ]);
  summary.addRow([]);
  summary.addRow([
    "Unit",
    "Occupant",
    "From",
    "To (excl.)",
    "Invoice",
    "Solar kWh",
    "Grid kWh",
    "Self-sufficiency %",
    `Total ${community.currency}`,
  ]);
  for (const i of run.items) {
    summary.addRow([
      i.unitName,
      i.occupantName,
      i.segmentStart,
      i.segmentEnd,
      byId.get(i.invoiceId)?.number ?? "draft",
      kwh(i.solarWh),
      kwh(i.gridWh),
      i.selfSufficiencyPercent,
      money(i.totalMinor, digits),
    ]);
  }
  const units = new Map<string, CommunityRun["items"]>();
  for (const i of run.items) units.set(i.unitName, [...(units.get(i.unitName) ?? []), i]);
  const lines = await db.query<{
    invoice_id: string;
    description: string;
    quantity: string;
    unit: string;
    unit_price: string;
    amount_minor: string;
  }>(
    `SELECT invoice_id, description, quantity::text, unit, unit_price::text, amount_minor::text FROM invoice_line
     WHERE invoice_id = ANY($1::uuid[]) ORDER BY invoice_id, position`,
    [run.items.map((i) => i.invoiceId)],
  );
  for (const [name, items] of units) {
    const sheet = wb.addWorksheet(`Unit ${name}`.slice(0, 31));
    for (const i of items) {
      sheet.addRow([
        `${i.occupantName}, ${i.segmentStart} to ${i.segmentEnd} (excl.)`,
        byId.get(i.invoiceId)?.number ?? "draft",
      ]);
      sheet.addRow(["Line", "Quantity", "Unit", "Unit price", `Amount ${community.currency}`]);
      for (const l of lines.rows.filter((x) => x.invoice_id === i.invoiceId)) {
        sheet.addRow([
          l.description,
          l.quantity,
          l.unit,
          l.unit_price,
          money(BigInt(l.amount_minor), digits),
        ]);
      }
      sheet.addRow(["Net", "", "", "", money(i.netMinor, digits)]);
      sheet.addRow(["VAT", "", "", "", money(i.vatMinor, digits)]);
      sheet.addRow(["Total", "", "", "", money(i.totalMinor, digits)]);
      sheet.addRow([]);
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
