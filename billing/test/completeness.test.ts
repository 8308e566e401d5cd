// Bill runs notice missing interval data (docs/billing-runs.md, "Completeness"), on a real database:
// the demo's three AMR PODs with complete 15-minute data from 2026-09-29 to 2026-11-02, then a gap
// across the DST change of 25 October in one POD, a POD signed in mid-month, and September's
// partial data. Each incomplete POD is drafted but held, with the exact missing ranges; the held
// draft is not issued by the run, is billed again when data arrives, and is issued only on release.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { incompleteItems, issueBillRun, runBill } from "../src/bill-run.ts";
import { exportBillRunXlsx } from "../src/bill-run-xlsx.ts";
import { runBillingCommand } from "../src/commands.ts";
import { withTransaction } from "@c4e/prisma";
import { incompleteDataNotice, loadSeller, renderInvoicePdf } from "../src/invoice-pdf.ts";
import { issueInvoices, issueInvoicesIn, loadInvoices, releaseHold } from "../src/invoice-store.ts";
import { type BillingTestDb, createBillingTestDb, seedIntervals } from "./fixtures.ts";
import { pdfText } from "./pdf-text.ts";

let t: BillingTestDb;
/** the demo PODs in id order with their grid meters: complete, gap, signed in mid-month */
let pods: { id: string; meter: string }[];
const pod = (i: number) => pods[i] as { id: string; meter: string };

const item = async (runPeriod: string, podId: string) =>
  (
    await t.pool.query(
      `SELECT it.status::text, it.intervals, it.expected_intervals, it.missing_intervals, it.missing_ranges,
              it.missing_range_count, it.invoice_id::text, i.hold_reason, i.status::text AS invoice_status
       FROM bill_run_item it JOIN bill_run r ON r.id = it.bill_run_id
       LEFT JOIN invoice i ON i.id = it.invoice_id
       WHERE r.period_start = $1::date AND it.pod_id = $2`,
      [`${runPeriod}-01`, podId],
    )
  ).rows[0];

beforeAll(async () => {
  t = await createBillingTestDb("completeness");
  await seedIntervals(t);
  const r = await t.pool.query<{ id: string; meter: string }>(
    `SELECT p.id, m.id AS meter FROM pod p JOIN meter m ON m.site_id = p.site_id AND m.kind = 'grid' ORDER BY p.id`,
  );
  pods = r.rows;
  expect(pods).toHaveLength(3);
  // POD 1: three hours missing across the DST change (25 October, 02:00 CEST … 04:00 CET local =
  // 00:00 … 03:00 UTC: 12 quarter hours) and one quarter hour on 3 October
  await t.pool.query(
    `DELETE FROM reading_interval WHERE meter_id = $1
       AND ((start_at >= '2026-10-25T00:00Z' AND start_at < '2026-10-25T03:00Z') OR start_at = '2026-10-03T10:15Z')`,
    [pod(1).meter],
  );
  // POD 2: supplied from 15 October; no data before (it is not ours to bill)
  await t.pool.query(`UPDATE pod SET sign_in_date = '2026-10-15' WHERE id = $1`, [pod(2).id]);
  await t.pool.query(`DELETE FROM reading_interval WHERE meter_id = $1 AND start_at < '2026-10-14T22:00Z'`, [
    pod(2).meter,
  ]);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await t?.close();
});

describe("bill run completeness", () => {
  it("holds the draft of a POD with a gap, with the exact missing ranges; complete PODs are not flagged", async () => {
    const summary = await runBill(t.pool, { period: "2026-10", batchSize: 2 });
    expect(summary).toMatchObject({ status: "completed", total: 3, drafted: 2, incomplete: 1, failed: 0 });

    // October 2026 in Berlin: 30 × 96 + 100 (25 October) = 2980
    expect(await item("2026-10", pod(0).id)).toMatchObject({
      status: "drafted",
      intervals: 2980,
      expected_intervals: 2980,
      missing_intervals: 0,
      missing_ranges: null,
      hold_reason: null,
    });
    expect(await item("2026-10", pod(1).id)).toMatchObject({
      status: "incomplete",
      intervals: 2967,
      expected_intervals: 2980,
      missing_intervals: 13,
      missing_range_count: 2,
      missing_ranges: [
        { start: "2026-10-03T10:15:00.000Z", end: "2026-10-03T10:30:00.000Z", intervals: 1 },
        { start: "2026-10-25T00:00:00.000Z", end: "2026-10-25T03:00:00.000Z", intervals: 12 },
      ],
      hold_reason: "incomplete_data",
      invoice_status: "draft",
    });
    // signed in on the 15th: 16 × 96 + 100 = 1636 quarter hours expected, all there
    expect(await item("2026-10", pod(2).id)).toMatchObject({
      status: "drafted",
      intervals: 1636,
      expected_intervals: 1636,
      missing_intervals: 0,
      hold_reason: null,
    });
    const run = await t.pool.query(`SELECT status::text FROM bill_run WHERE period_start = '2026-10-01'`);
    expect(run.rows[0].status).toBe("running");

    // the xlsx export marks the held draft and counts it
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exportBillRunXlsx(t.pool, summary.billRunId)) as unknown as ArrayBuffer);
    const summaryRows = wb
      .getWorksheet("Summary")
      ?.getSheetValues()
      .map((r) => (r as unknown[])?.slice(1));
    expect(summaryRows).toContainEqual(["Held drafts (interval data missing)", 1]);
    const statuses = wb.getWorksheet("Invoices")?.getColumn(2).values.slice(2);
    expect(statuses?.filter((v) => v === "draft (held: intervals missing)")).toHaveLength(1);

    const listed = await incompleteItems(t.pool, summary.billRunId);
    expect(listed).toEqual([
      expect.objectContaining({
        podId: pod(1).id,
        expected: 2980,
        present: 2967,
        missing: 13,
        rangeCount: 2,
      }),
    ]);
  });

  it("issues the complete drafts only; the held one is skipped by every ordinary issue path", async () => {
    const runId = (await t.pool.query(`SELECT id FROM bill_run WHERE period_start = '2026-10-01'`)).rows[0]
      .id;
    const issued = await issueBillRun(t.pool, runId, { issueDate: "2026-11-03" });
    expect(issued).toMatchObject({ issued: 2, first: "INV-000001", last: "INV-000002" });
    const held = (await item("2026-10", pod(1).id)) as { invoice_id: string };
    expect((await issueInvoices(t.pool, { invoiceIds: [held.invoice_id] })).issued).toEqual([]);
    expect(await item("2026-10", pod(1).id)).toMatchObject({ invoice_status: "draft" });
  });

  it("bills the POD again when part of the data arrives: one draft, the remaining range", async () => {
    const before = (await item("2026-10", pod(1).id)) as { invoice_id: string };
    await t.pool.query(
      `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
       VALUES ($1, 'import', '2026-10-03T10:15Z', '2026-10-03T10:30Z', 200)`,
      [pod(1).meter],
    );
    const again = await runBill(t.pool, { period: "2026-10" });
    expect(again).toMatchObject({ total: 3, incomplete: 1, failed: 0 });
    const after = await item("2026-10", pod(1).id);
    expect(after).toMatchObject({
      status: "incomplete",
      intervals: 2968,
      missing_intervals: 12,
      missing_range_count: 1,
      missing_ranges: [{ start: "2026-10-25T00:00:00.000Z", end: "2026-10-25T03:00:00.000Z", intervals: 12 }],
    });
    expect(after?.invoice_id).not.toBe(before.invoice_id);
    const invoices = await t.pool.query(
      `SELECT count(*)::int AS n FROM invoice WHERE pod_id = $1 AND kind = 'monthly'`,
      [pod(1).id],
    );
    expect(invoices.rows[0].n).toBe(1);
  });

  it("issues a held draft only on release, recording who and why; the POD is then billed", async () => {
    const held = (await item("2026-10", pod(1).id)) as { invoice_id: string };
    const issued = await withTransaction(t.pool, async (c) => {
      await releaseHold(c, held.invoice_id, { by: "0xadmin", note: "meter replaced, data lost" });
      return issueInvoicesIn(c, { invoiceIds: [held.invoice_id] }, { issueDate: "2026-11-04" });
    });
    expect(issued.issued.map((i) => i.number)).toEqual(["INV-000003"]);
    const inv = await t.pool.query(
      `SELECT status::text, hold_reason, hold_released_by, hold_release_note, hold_released_at IS NOT NULL AS released
       FROM invoice WHERE id = $1`,
      [held.invoice_id],
    );
    expect(inv.rows[0]).toEqual({
      status: "issued",
      hold_reason: "incomplete_data",
      hold_released_by: "0xadmin",
      hold_release_note: "meter replaced, data lost",
      released: true,
    });
    expect(await item("2026-10", pod(1).id)).toMatchObject({ status: "drafted", missing_intervals: 12 });
    // the issued invoice carries the mark, and its document says so with the gaps in local time
    const [stored] = await loadInvoices(t.pool, [held.invoice_id]);
    expect(stored?.invoice.dataQuality).toEqual({
      incomplete: true,
      expectedIntervals: 2980,
      foundIntervals: 2968, // the quarter hour of 3 October arrived in an earlier step
      missingRanges: [{ start: "2026-10-25T00:00:00.000Z", end: "2026-10-25T03:00:00.000Z", intervals: 12 }],
    });
    const notice = incompleteDataNotice(stored!.invoice.dataQuality!, "Europe/Berlin");
    expect(notice).toContain("2968 of 2980 metering intervals were available; 12 missing");
    expect(notice).toContain("2026-10-25 02:00 to 2026-10-25 04:00 (12)"); // 02:00 CEST … 04:00 CET, 3 h
    const pdf = await renderInvoicePdf(stored!, await loadSeller(t.pool, stored!.contractId));
    const text = pdfText(pdf);
    if (text !== null) {
      expect(text).toContain("BILLED FROM INCOMPLETE METER DATA");
      expect(text.replace(/\s+/g, " ")).toContain("12 missing");
    }
    // a released draft cannot be released twice; the run is complete and bills nobody again
    await expect(
      withTransaction(t.pool, (c) => releaseHold(c, held.invoice_id, { by: "0xadmin", note: "again" })),
    ).rejects.toThrow(/not a held draft/);
    const last = await runBill(t.pool, { period: "2026-10" });
    expect(last).toMatchObject({ drafted: 3, incomplete: 0, failed: 0 });
    const run = await t.pool.query(`SELECT status::text FROM bill_run WHERE period_start = '2026-10-01'`);
    expect(run.rows[0].status).toBe("completed");
  });

  it("counts the leading gap of a month and tolerates up to the configured threshold", async () => {
    // September: data only from 29 September 00:00 UTC (02:00 local); POD 2 is not supplied yet
    const strict = await runBill(t.pool, { period: "2026-09" });
    expect(strict).toMatchObject({ total: 2, drafted: 0, incomplete: 2 });
    // 30 days × 96 = 2880 expected; present from 2026-09-29T00:00Z to 2026-09-30T22:00Z = 184
    expect(await item("2026-09", pod(0).id)).toMatchObject({
      status: "incomplete",
      expected_intervals: 2880,
      intervals: 184,
      missing_intervals: 2696,
      missing_ranges: [
        { start: "2026-08-31T22:00:00.000Z", end: "2026-09-29T00:00:00.000Z", intervals: 2696 },
      ],
    });
    const tolerant = await runBill(t.pool, { period: "2026-09", maxMissingIntervals: 2696 });
    expect(tolerant).toMatchObject({ drafted: 2, incomplete: 0 });
    expect(await item("2026-09", pod(0).id)).toMatchObject({
      status: "drafted",
      missing_intervals: 2696,
      missing_ranges: null,
      hold_reason: null,
    });
    const count = await t.pool.query(
      `SELECT count(*)::int AS n FROM invoice i JOIN bill_run r ON r.id = i.bill_run_id WHERE r.period_start = '2026-09-01'`,
    );
    expect(count.rows[0].n).toBe(2);
    await expect(runBill(t.pool, { period: "2026-09", maxMissingIntervals: -1 })).rejects.toThrow(
      /threshold/,
    );
  });

  it("the CLI prints the incomplete items and does not issue their held drafts", async () => {
    vi.stubEnv("DATABASE_URL", t.db.url);
    const out = vi.spyOn(console, "log").mockImplementation(() => {});
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(
      runBillingCommand(["bill-run", "--period", "2026-11", "--max-missing", "x"]),
    ).rejects.toThrow(/--max-missing/);
    // November: the last interval starts 2 November 00:00 UTC; 30 days × 96 = 2880 expected, 101 present
    expect(await runBillingCommand(["bill-run", "--period", "2026-11", "--issue"])).toBe(0);
    const printed = JSON.parse(String(out.mock.calls.at(-1)?.[0])) as {
      incomplete: number;
      issued: { issued: number };
      incompletePods: { podId: string; missing: number; expected: number; ranges: unknown[] }[];
    };
    expect(printed.incomplete).toBe(3);
    expect(printed.issued.issued).toBe(0);
    expect(printed.incompletePods.map((p) => p.podId)).toEqual(pods.map((p) => p.id));
    expect(printed.incompletePods[0]).toMatchObject({
      expected: 2880,
      missing: 2779,
      ranges: [{ start: "2026-11-02T00:15:00.000Z", end: "2026-11-30T23:00:00.000Z", intervals: 2779 }],
    });
    const lines = err.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith("incomplete:"));
    expect(lines[0]).toBe(
      `incomplete: ${pod(0).id}: 2779 of 2880 intervals missing (2026-11-02T00:15:00.000Z..2026-11-30T23:00:00.000Z); draft held`,
    );
    const held = (await item("2026-11", pod(0).id)) as { invoice_id: string };
    expect(await runBillingCommand(["invoice-issue", "--invoice", held.invoice_id])).toBe(1);
    expect(JSON.parse(String(out.mock.calls.at(-1)?.[0]))).toMatchObject({
      issued: [],
      held: [{ invoiceId: held.invoice_id, podId: pod(0).id, reason: "incomplete_data" }],
    });
  });

  it("a held draft whose POD fails on the next run is replaced once the POD is billed", async () => {
    const novemberInvoices = async () =>
      (
        await t.pool.query(
          `SELECT i.id::text, i.hold_reason FROM invoice i JOIN bill_run r ON r.id = i.bill_run_id
           WHERE r.period_start = '2026-11-01' AND i.pod_id = $1`,
          [pod(0).id],
        )
      ).rows;
    const held = await novemberInvoices();
    expect(held).toEqual([{ id: expect.any(String), hold_reason: "incomplete_data" }]);
    // the partial data is withdrawn: the POD fails; the held draft stays (nothing is lost)
    await t.pool.query(
      `DELETE FROM reading_interval WHERE meter_id = $1 AND start_at >= '2026-10-31T23:00Z'`,
      [pod(0).meter],
    );
    await runBill(t.pool, { period: "2026-11" });
    expect(await item("2026-11", pod(0).id)).toMatchObject({
      status: "failed",
      hold_reason: "incomplete_data",
    });
    expect(await novemberInvoices()).toEqual(held);
    // the whole month arrives: billed, not held, still one invoice
    await t.pool.query(
      `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
       SELECT $1, 'import', s, s + interval '15 minutes', 90
       FROM generate_series('2026-10-31T23:00Z'::timestamptz, '2026-11-30T22:45Z', interval '15 minutes') AS s`,
      [pod(0).meter],
    );
    await runBill(t.pool, { period: "2026-11" });
    expect(await item("2026-11", pod(0).id)).toMatchObject({
      status: "drafted",
      intervals: 2880,
      expected_intervals: 2880,
      missing_intervals: 0,
      hold_reason: null,
    });
    const after = await novemberInvoices();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ hold_reason: null });
    expect(after[0]?.id).not.toBe(held[0]?.id);
  });
});
