// The xlsx export of a bill run: a summary sheet, one row per invoice, one row per invoice line (with
// the billing item's ledger account and analytic codes), and the PODs that failed with their reason.
// Amounts appear both as integer minor units (exact) and as major units formatted for reading.
import ExcelJS from "exceljs";
import type { Queryable } from "@c4e/prisma";

type InvoiceRow = {
  number: string | null;
  status: string;
  kind: string;
  pod: string | null;
  customer: string;
  contract: string;
  period_start: string;
  period_end: string;
  currency: string;
  digits: number;
  net_minor: string;
  vat_minor: string;
  total_minor: string;
  advances_minor: string;
  amount_due_minor: string;
  issue_date: string | null;
  due_date: string | null;
  intervals: number | null;
  expected_intervals: number | null;
  /** held (drafted from incomplete interval data, not released) */
  held: boolean;
};

const major = (minor: string, digits: number) => Number(minor) / 10 ** digits;

/** Writes the bill run's workbook; resolves to the xlsx bytes. */
export async function exportBillRunXlsx(db: Queryable, billRunId: string): Promise<Buffer> {
  const run = await db.query<{
    period_start: string;
    period_end: string;
    status: string;
    started_at: Date;
    finished_at: Date | null;
  }>(
    `SELECT period_start::text, period_end::text, status::text, started_at, finished_at FROM bill_run WHERE id = $1`,
    [billRunId],
  );
  const r = run.rows[0];
  if (!r) throw new Error(`no bill run ${billRunId}`);
  const invoices = await db.query<InvoiceRow>(
    `SELECT i.number, i.status::text, i.kind::text, p.identifier AS pod, i.buyer ->> 'customerName' AS customer,
       i.buyer ->> 'contractNumber' AS contract, i.period_start::text, i.period_end::text, i.currency,
       i.minor_unit_digits AS digits, i.net_minor::text, i.vat_minor::text, i.total_minor::text,
       (i.total_minor - i.amount_due_minor)::text AS advances_minor, i.amount_due_minor::text,
       i.issue_date::text, i.due_date::text, it.intervals, it.expected_intervals,
       (i.hold_reason IS NOT NULL AND i.hold_released_at IS NULL) AS held
     FROM invoice i LEFT JOIN pod p ON p.id = i.pod_id
     LEFT JOIN bill_run_item it ON it.invoice_id = i.id
     WHERE i.bill_run_id = $1 ORDER BY i.number NULLS LAST, p.identifier`,
    [billRunId],
  );
  const lines = await db.query<{
    number: string | null;
    pod: string | null;
    position: number;
    group: string;
    code: string;
    description: string;
    quantity: string;
    unit: string;
    unit_price: string;
    amount_minor: string;
    digits: number;
    currency: string;
    vat_rate: string;
    ledger_account: string | null;
    analytic_codes: Record<string, string> | null;
  }>(
    `SELECT i.number, p.identifier AS pod, l.position, l."group"::text, l.code, l.description,
       trim_scale(l.quantity)::text AS quantity, l.unit, trim_scale(l.unit_price)::text AS unit_price,
       l.amount_minor::text, i.minor_unit_digits AS digits, i.currency, trim_scale(l.vat_rate)::text AS vat_rate,
       bi.ledger_account, bi.analytic_codes
     FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id LEFT JOIN pod p ON p.id = i.pod_id
     LEFT JOIN billing_item bi ON bi.code = l.code OR (bi.code = split_part(l.code, '.', 1) AND l.code LIKE bi.code || '.%')
     WHERE i.bill_run_id = $1 ORDER BY i.number NULLS LAST, p.identifier, l.position`,
    [billRunId],
  );
  const failed = await db.query<{ pod: string; error: string | null }>(
    `SELECT p.identifier AS pod, it.error FROM bill_run_item it JOIN pod p ON p.id = it.pod_id
     WHERE it.bill_run_id = $1 AND it.status = 'failed' ORDER BY p.identifier`,
    [billRunId],
  );

  const wb = new ExcelJS.Workbook();
  wb.creator = "C4E billing";
  wb.created = new Date(0);

  // Summary: totals per currency.
  const summary = wb.addWorksheet("Summary");
  summary.columns = [
    { header: "", key: "k", width: 28 },
    { header: "", key: "v", width: 40 },
  ];
  summary.addRow(["Bill run", billRunId]);
  summary.addRow(["Period", `${r.period_start} to ${r.period_end} (end exclusive)`]);
  summary.addRow(["Status", r.status]);
  summary.addRow(["Invoices", invoices.rows.length]);
  summary.addRow(["Failed PODs", failed.rows.length]);
  summary.addRow(["Held drafts (interval data missing)", invoices.rows.filter((i) => i.held).length]);
  const byCurrency = new Map<
    string,
    { digits: number; net: bigint; vat: bigint; total: bigint; due: bigint }
  >();
  for (const i of invoices.rows) {
    const t = byCurrency.get(i.currency) ?? { digits: i.digits, net: 0n, vat: 0n, total: 0n, due: 0n };
    t.net += BigInt(i.net_minor);
    t.vat += BigInt(i.vat_minor);
    t.total += BigInt(i.total_minor);
    t.due += BigInt(i.amount_due_minor);
    byCurrency.set(i.currency, t);
  }
  for (const [currency, t] of byCurrency) {
    summary.addRow([]);
    summary.addRow([`Net ${currency}`, major(t.net.toString(), t.digits)]);
    summary.addRow([`VAT ${currency}`, major(t.vat.toString(), t.digits)]);
    summary.addRow([`Total ${currency}`, major(t.total.toString(), t.digits)]);
    summary.addRow([`Amount due ${currency}`, major(t.due.toString(), t.digits)]);
    summary.addRow([`Total ${currency} (minor units)`, t.total.toString()]);
  }
  summary.getColumn(1).font = { bold: true };

  // Invoices.
  const inv = wb.addWorksheet("Invoices", { views: [{ state: "frozen", ySplit: 1 }] });
  inv.columns = [
    { header: "Number", key: "number", width: 14 },
    { header: "Status", key: "status", width: 9 },
    { header: "Kind", key: "kind", width: 10 },
    { header: "POD", key: "pod", width: 22 },
    { header: "Customer", key: "customer", width: 22 },
    { header: "Contract", key: "contract", width: 16 },
    { header: "Period start", key: "period_start", width: 12 },
    { header: "Period end (excl.)", key: "period_end", width: 12 },
    { header: "Currency", key: "currency", width: 9 },
    { header: "Net", key: "net", width: 12, style: { numFmt: "#,##0.00" } },
    { header: "VAT", key: "vat", width: 12, style: { numFmt: "#,##0.00" } },
    { header: "Total", key: "total", width: 12, style: { numFmt: "#,##0.00" } },
    { header: "Advances", key: "advances", width: 12, style: { numFmt: "#,##0.00" } },
    { header: "Amount due", key: "due", width: 12, style: { numFmt: "#,##0.00" } },
    { header: "Total (minor units)", key: "total_minor", width: 16 },
    { header: "Issue date", key: "issue_date", width: 12 },
    { header: "Due date", key: "due_date", width: 12 },
    { header: "Intervals", key: "intervals", width: 10 },
    { header: "Expected intervals", key: "expected", width: 10 },
  ];
  for (const i of invoices.rows) {
    inv.addRow({
      number: i.number ?? "(draft)",
      status: i.held ? `${i.status} (held: intervals missing)` : i.status,
      kind: i.kind,
      pod: i.pod,
      customer: i.customer,
      contract: i.contract,
      period_start: i.period_start,
      period_end: i.period_end,
      currency: i.currency,
      net: major(i.net_minor, i.digits),
      vat: major(i.vat_minor, i.digits),
      total: major(i.total_minor, i.digits),
      advances: major(i.advances_minor, i.digits),
      due: major(i.amount_due_minor, i.digits),
      total_minor: Number(i.total_minor),
      issue_date: i.issue_date,
      due_date: i.due_date,
      intervals: i.intervals,
      expected: i.expected_intervals,
    });
  }
  inv.getRow(1).font = { bold: true };
  if (invoices.rows.length > 0 && byCurrency.size === 1) {
    const last = invoices.rows.length + 1;
    const totals = inv.addRow({ number: "Total" });
    for (const col of ["J", "K", "L", "M", "N"]) {
      const values = invoices.rows.map((i) =>
        BigInt(
          { J: i.net_minor, K: i.vat_minor, L: i.total_minor, M: i.advances_minor, N: i.amount_due_minor }[
            col
          ] as string,
        ),
      );
      const sum = values.reduce((a, b) => a + b, 0n);
      totals.getCell(col).value = {
        formula: `SUM(${col}2:${col}${last})`,
        result: major(sum.toString(), invoices.rows[0]?.digits ?? 2),
      };
    }
    totals.font = { bold: true };
  }

  // Lines.
  const ln = wb.addWorksheet("Lines", { views: [{ state: "frozen", ySplit: 1 }] });
  ln.columns = [
    { header: "Invoice", key: "number", width: 14 },
    { header: "POD", key: "pod", width: 22 },
    { header: "#", key: "position", width: 4 },
    { header: "Group", key: "group", width: 9 },
    { header: "Code", key: "code", width: 16 },
    { header: "Description", key: "description", width: 30 },
    { header: "Quantity", key: "quantity", width: 12 },
    { header: "Unit", key: "unit", width: 7 },
    { header: "Unit price", key: "unit_price", width: 11 },
    { header: "Amount", key: "amount", width: 12, style: { numFmt: "#,##0.00" } },
    { header: "Amount (minor units)", key: "amount_minor", width: 12 },
    { header: "Currency", key: "currency", width: 9 },
    { header: "VAT %", key: "vat_rate", width: 7 },
    { header: "Ledger account", key: "ledger", width: 10 },
    { header: "Analytic codes", key: "analytic", width: 24 },
  ];
  for (const l of lines.rows) {
    ln.addRow({
      number: l.number ?? "(draft)",
      pod: l.pod,
      position: l.position,
      group: l.group,
      code: l.code,
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      unit_price: l.unit_price,
      amount: major(l.amount_minor, l.digits),
      amount_minor: Number(l.amount_minor),
      currency: l.currency,
      vat_rate: l.vat_rate,
      ledger: l.ledger_account,
      analytic: l.analytic_codes
        ? Object.entries(l.analytic_codes)
            .map(([k, v]) => `${k}=${v}`)
            .join("; ")
        : "",
    });
  }
  ln.getRow(1).font = { bold: true };

  const fl = wb.addWorksheet("Failed");
  fl.columns = [
    { header: "POD", key: "pod", width: 24 },
    { header: "Reason", key: "error", width: 80 },
  ];
  for (const f of failed.rows) fl.addRow(f);
  fl.getRow(1).font = { bold: true };

  return Buffer.from(await wb.xlsx.writeBuffer());
}
