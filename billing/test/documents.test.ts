import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueBillRun, runBill } from "../src/bill-run.ts";
import { exportBillRunXlsx } from "../src/bill-run-xlsx.ts";
import { formatMinor, loadSeller, renderInvoicePdf } from "../src/invoice-pdf.ts";
import { loadInvoices } from "../src/invoice-store.ts";
import { type BillingTestDb, createBillingTestDb, seedIntervals } from "./fixtures.ts";

let t: BillingTestDb;
let runId: string;
const dir = mkdtempSync(join(tmpdir(), "c4e-billing-docs-"));

beforeAll(async () => {
  t = await createBillingTestDb("documents");
  await seedIntervals(t);
  const summary = await runBill(t.pool, { period: "2026-10" });
  runId = summary.billRunId;
  await issueBillRun(t.pool, runId, { issueDate: "2026-11-03" });
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

function hasPdftotext(): boolean {
  try {
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("documents", () => {
  it("renders each issued invoice as a PDF that shows its number and totals", async () => {
    const ids = await t.pool.query<{ id: string }>(
      `SELECT id FROM invoice WHERE bill_run_id = $1 ORDER BY number`,
      [runId],
    );
    const invoices = await loadInvoices(
      t.pool,
      ids.rows.map((r) => r.id),
    );
    expect(invoices).toHaveLength(3);
    for (const s of invoices) {
      const pdf = await renderInvoicePdf(s, await loadSeller(t.pool, s.contractId));
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      expect(pdf.subarray(-6).toString()).toMatch(/%%EOF/);
      const file = join(dir, `${s.number}.pdf`);
      writeFileSync(file, pdf);
      if (!hasPdftotext()) {
        expect(pdf.toString("latin1").match(/\/Type \/Page\b/g)?.length).toBe(1);
        continue;
      }
      const text = execFileSync("pdftotext", ["-layout", file, "-"]).toString();
      const inv = s.invoice;
      expect(text).toContain(s.number as string);
      expect(text).toContain(`${formatMinor(inv.totalMinor, 2)} EUR`);
      expect(text).toContain(`${formatMinor(inv.netMinor, 2)} EUR`);
      expect(text).toContain(`${formatMinor(inv.vatMinor, 2)} EUR`);
      expect(text).toMatch(/Amount due/);
      expect(text).toContain(s.buyer.podIdentifier as string);
      expect(text).toContain("Period 2026-10-01 to 2026-10-31");
      for (const line of inv.lines) expect(text).toContain(formatMinor(line.amountMinor, 2));
      expect(text).toMatch(/page 1 of 1/);
    }
  });

  it("exports the bill run as xlsx whose totals match the invoices", async () => {
    const xlsx = await exportBillRunXlsx(t.pool, runId);
    writeFileSync(join(dir, "bill-run.xlsx"), xlsx);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet("Invoices");
    expect(sheet).toBeDefined();
    const totals = await t.pool.query<{ n: number; total: string; net: string }>(
      `SELECT count(*)::int AS n, sum(total_minor)::text AS total, sum(net_minor)::text AS net FROM invoice WHERE bill_run_id = $1`,
      [runId],
    );
    const rows: { number: string; totalMinor: number; total: number }[] = [];
    sheet?.eachRow((row, i) => {
      if (i === 1) return;
      rows.push({
        number: String(row.getCell(1).value),
        totalMinor: Number(row.getCell(15).value),
        total: Number(row.getCell(12).value),
      });
    });
    const invoiceRows = rows.filter((r) => r.number.startsWith("INV-"));
    expect(invoiceRows).toHaveLength(3);
    expect(invoiceRows.reduce((a, r) => a + r.totalMinor, 0)).toBe(Number(totals.rows[0]?.total));
    const totalRow = sheet?.getRow(5);
    expect(totalRow?.getCell(1).value).toBe("Total");
    const cell = totalRow?.getCell(12).value as { formula: string; result: number };
    expect(cell.formula).toBe("SUM(L2:L4)");
    expect(Math.round(cell.result * 100)).toBe(Number(totals.rows[0]?.total));
    const lines = wb.getWorksheet("Lines");
    let lineSum = 0;
    lines?.eachRow((row, i) => {
      if (i > 1) lineSum += Number(row.getCell(11).value);
    });
    expect(lineSum).toBe(Number(totals.rows[0]?.net));
    const summary = wb.getWorksheet("Summary");
    const values: Record<string, unknown> = {};
    summary?.eachRow((row) => {
      values[String(row.getCell(1).value)] = row.getCell(2).value;
    });
    expect(values["Invoices"]).toBe(3);
    expect(values["Total EUR (minor units)"]).toBe(totals.rows[0]?.total);
  });
});
