// Invoices a retailer can send (issue 12; EU VAT Directive 2006/112/EC Art. 226, Directive (EU)
// 2019/944 Annex I), on a real database: the demo's October 2025 and October 2026 are billed and
// issued, Alice's grid meter has register readings at both ends of October 2026 and Carol's POD is
// billed by standard load profile. The buyer snapshot keeps customer number, billing address, meter
// and readings, band hours and last year's consumption; the PDF shows every required item as text;
// the EPC QR payload is exact, and a CHF invoice or a seller without IBAN gets no QR code.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueBillRun, runBill } from "../src/bill-run.ts";
import {
  type InvoiceBuyer,
  epcQrPayload,
  formatIban,
  paymentQrOf,
  touBandHours,
  whAsKwh,
} from "../src/invoice-content.ts";
import { formatMinor, loadSeller, renderInvoicePdf } from "../src/invoice-pdf.ts";
import { type StoredInvoice, loadInvoices } from "../src/invoice-store.ts";
import { DEMO_SELLER_DETAILS, DEMO_TOU_DEMAND_TARIFF, demoCustomerNumber } from "../src/seed-demo.ts";
import { type BillingTestDb, createBillingTestDb, seedIntervals } from "./fixtures.ts";
import { pdfText } from "./pdf-text.ts";

const dir = mkdtempSync(join(tmpdir(), "c4e-invoice-content-"));

/** Images a PDF draws (pdfkit names them /I1, /I2 … in the page resources; the QR code is the only one). */
const imageCount = (pdf: Buffer) => pdf.toString("latin1").match(/\/I\d+ \d+ 0 R/g)?.length ?? 0;
/** The first QR code's text in a PDF (pdfimages + zbarimg), or null without those tools. */
function decodeQr(file: string): string | null {
  try {
    execFileSync("pdfimages", ["-png", file, join(dir, "qr")]);
    // zbarimg ends the text with a newline of its own
    return execFileSync("zbarimg", ["--raw", "-q", join(dir, "qr-000.png")], {
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .replace(/\n$/, "");
  } catch {
    return null;
  }
}
const qrText = (s: StoredInvoice, seller: Parameters<typeof paymentQrOf>[1]) => {
  const qr = paymentQrOf(s, seller);
  return qr?.ok ? qr.text : null;
};
const pageCount = (pdf: Buffer) => pdf.toString("latin1").match(/\/Type \/Page\b/g)?.length ?? 0;

describe("epcQrPayload: EPC069-12 SEPA credit transfer QR (version 002)", () => {
  const base = {
    name: "C4E Demo Energy",
    iban: "DE89 3704 0044 0532 0130 00",
    bic: "COBADEFFXXX",
    currency: "EUR",
    minorUnitDigits: 2,
    amountMinor: 12345n,
    reference: "INV-000001",
  };

  it("is the 12 lines: BCD, 002, charset 1, SCT, BIC, name, IBAN, amount, purpose, RF ref, text, info", () => {
    const qr = epcQrPayload(base);
    expect(qr).toEqual({
      ok: true,
      lines: [
        "BCD",
        "002",
        "1",
        "SCT",
        "COBADEFFXXX",
        "C4E Demo Energy",
        "DE89370400440532013000",
        "EUR123.45",
        "",
        "",
        "INV-000001",
        "",
      ],
      text: "BCD\n002\n1\nSCT\nCOBADEFFXXX\nC4E Demo Energy\nDE89370400440532013000\nEUR123.45\n\n\nINV-000001\n",
    });
  });

  it("amounts in EUR with two decimals: 5 cents → EUR0.05, 999,999,999.99 is the largest", () => {
    const amount = (amountMinor: bigint) => {
      const qr = epcQrPayload({ ...base, amountMinor });
      return qr.ok ? qr.lines[7] : qr.reason;
    };
    expect(amount(5n)).toBe("EUR0.05");
    expect(amount(100n)).toBe("EUR1.00");
    expect(amount(99_999_999_999n)).toBe("EUR999999999.99");
    expect(amount(100_000_000_000n)).toBe("amount");
    expect(amount(0n)).toBe("amount");
    expect(amount(-100n)).toBe("amount");
  });

  it("no QR for another currency, without an IBAN, or with a name over 70 characters", () => {
    expect(epcQrPayload({ ...base, currency: "CHF" })).toEqual({ ok: false, reason: "currency" });
    expect(epcQrPayload({ ...base, iban: undefined })).toEqual({ ok: false, reason: "no_iban" });
    expect(epcQrPayload({ ...base, iban: "  " })).toEqual({ ok: false, reason: "no_iban" });
    expect(epcQrPayload({ ...base, name: "x".repeat(71) })).toEqual({ ok: false, reason: "too_long" });
  });

  it("an empty BIC stays an empty line (optional in version 002)", () => {
    const qr = epcQrPayload({ ...base, bic: undefined });
    expect(qr.ok && qr.lines[4]).toBe("");
    expect(qr.ok && qr.lines).toHaveLength(12);
  });
});

describe("touBandHours and formatting", () => {
  it("the demo TOU tariff's bands in local hours, midnight-spanning ranges joined", () => {
    expect(touBandHours(DEMO_TOU_DEMAND_TARIFF)).toEqual([
      { band: "peak", name: "Peak", hours: "Mon-Fri 08:00-20:00" },
      {
        band: "offpeak",
        name: "Off-peak",
        hours: "Mon-Fri 06:00-08:00, 20:00-22:00; Sat-Sun and public holidays 06:00-22:00",
      },
      { band: "valley", name: "Night valley", hours: "daily 22:00-06:00" },
    ]);
  });

  it("seasons are named with their dates; holidays with their own slots are listed apart", () => {
    const slots = (peakFrom: string, peakTo: string) => [
      { from: "00:00", to: peakFrom, band: "low" },
      { from: peakFrom, to: peakTo, band: "high" },
      { from: peakTo, to: "24:00", band: "low" },
    ];
    const bands = touBandHours({
      name: "two seasons",
      currency: "EUR",
      tou: {
        bands: [
          { code: "high", name: "High", price: "0.40" },
          { code: "low", name: "Low", price: "0.20" },
        ],
        seasons: [
          {
            name: "winter",
            from: "10-01",
            to: "03-31",
            dayTypes: { weekday: slots("17:00", "21:00"), weekend: slots("17:00", "21:00") },
          },
          {
            name: "summer",
            from: "04-01",
            to: "09-30",
            dayTypes: {
              weekday: slots("12:00", "18:00"),
              weekend: [{ from: "00:00", to: "24:00", band: "low" }],
              holiday: slots("10:00", "11:00"),
            },
          },
        ],
      },
    });
    expect(bands).toEqual([
      {
        band: "high",
        name: "High",
        hours:
          "winter (10-01 to 03-31): daily 17:00-21:00 | summer (04-01 to 09-30): Mon-Fri 12:00-18:00; public holidays 10:00-11:00",
      },
      {
        band: "low",
        name: "Low",
        hours:
          "winter (10-01 to 03-31): daily 21:00-17:00 | summer (04-01 to 09-30): Mon-Fri 18:00-12:00; Sat-Sun all day; public holidays 11:00-10:00",
      },
    ]);
  });

  it("a single-rate tariff has no bands", () => {
    expect(touBandHours({ name: "flat", currency: "EUR", single: { price: "0.30" } })).toEqual([]);
  });

  it("Wh as kWh and IBAN groups", () => {
    expect(whAsKwh("1234567")).toBe("1,234.567");
    expect(whAsKwh("5")).toBe("0.005");
    expect(whAsKwh("0")).toBe("0.000");
    expect(formatIban("DE89370400440532013000")).toBe("DE89 3704 0044 0532 0130 00");
  });
});

describe("an issued invoice a retailer can send (demo, October 2026)", () => {
  let t: BillingTestDb;
  let pods: { id: string; meter: string; customer: string }[];
  let invoices: StoredInvoice[];
  const alice = () => invoices.find((s) => s.buyer.customerId === "cust-alice") as StoredInvoice;
  const carol = () => invoices.find((s) => s.buyer.customerId === "cust-carol") as StoredInvoice;
  let previousKwh: string;

  beforeAll(async () => {
    t = await createBillingTestDb("invoice_content");
    await seedIntervals(t);
    // October 2025 too, so October 2026 has the same period a year earlier to compare with.
    await t.pool.query(
      `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
       SELECT m.id, r.register, s, s + interval '15 minutes',
              CASE WHEN r.register = 'import' THEN 30 + (abs(hashtext(m.id || s::text)) % 300) ELSE 0 END
       FROM meter m, (VALUES ('import'), ('export')) AS r(register),
            generate_series('2025-09-29T00:00Z'::timestamptz, '2025-11-02T00:00Z', interval '15 minutes') AS s
       WHERE m.kind = 'grid'`,
    );
    pods = (
      await t.pool.query<{ id: string; meter: string; customer: string }>(
        `SELECT p.id, m.id AS meter, c.customer_id AS customer FROM pod p
         JOIN meter m ON m.site_id = p.site_id AND m.kind = 'grid' JOIN contract c ON c.id = p.contract_id
         ORDER BY p.id`,
      )
    ).rows;
    const aliceMeter = pods.find((p) => p.customer === "cust-alice")?.meter as string;
    // Alice's registers: at local midnight 1 October (22:00 UTC) and, for the end, 15 minutes before
    // local midnight 1 November (the last reading at or before the instant counts).
    await t.pool.query(
      `INSERT INTO reading (meter_id, at, register, value_wh, gateway_id, message_id, received_at)
       SELECT $1, v.at::timestamptz, v.register, v.wh, m.gateway_id, 'msg-' || v.register || v.at, now()
       FROM meter m, (VALUES ('2026-09-30T22:00:00Z', 'import', 1234567),
                             ('2026-10-31T22:45:00Z', 'import', 1502345),
                             ('2026-09-30T22:00:00Z', 'export', 98000),
                             ('2026-10-31T22:45:00Z', 'export', 187654),
                             ('2026-09-29T10:00:00Z', 'import', 1000000)) AS v(at, register, wh)
       WHERE m.id = $1`,
      [aliceMeter],
    );
    const last = await runBill(t.pool, { period: "2025-10" });
    await issueBillRun(t.pool, last.billRunId, { issueDate: "2025-11-04" });
    previousKwh = (
      await t.pool.query<{ kwh: string }>(
        `SELECT i.billing_input->'consumption'->>'importKwh' AS kwh FROM invoice i
         JOIN contract c ON c.id = i.contract_id WHERE i.bill_run_id = $1 AND c.customer_id = 'cust-alice'`,
        [last.billRunId],
      )
    ).rows[0]?.kwh as string;
    // Carol's POD is billed by standard load profile from now on, at a single rate (TOU needs intervals).
    await t.pool.query(
      `UPDATE pod SET metering = 'slp' WHERE contract_id IN (SELECT id FROM contract WHERE customer_id = 'cust-carol')`,
    );
    await t.pool.query(`UPDATE contract SET energy_tariff = $1 WHERE customer_id = 'cust-carol'`, [
      JSON.stringify({ name: "Flat", currency: "EUR", single: { price: "0.3100" } }),
    ]);
    const run = await runBill(t.pool, { period: "2026-10" });
    await issueBillRun(t.pool, run.billRunId, { issueDate: "2026-11-03" });
    const ids = await t.pool.query<{ id: string }>(
      `SELECT id FROM invoice WHERE bill_run_id = $1 ORDER BY number`,
      [run.billRunId],
    );
    invoices = await loadInvoices(
      t.pool,
      ids.rows.map((r) => r.id),
    );
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the buyer snapshot keeps customer number, billing address, meter, readings, bands and last year", () => {
    expect(invoices.map((s) => s.status)).toEqual(["issued", "issued", "issued"]);
    expect(previousKwh).toMatch(/^\d+\.\d+$/);
    const a = alice().buyer as InvoiceBuyer;
    const aliceMeter = pods.find((p) => p.customer === "cust-alice")?.meter;
    expect(a.customerNumber).toBe(demoCustomerNumber("cust-alice"));
    expect(a.customerNumber).not.toBe("cust-alice");
    expect(a.billingAddress).toBe(a.podAddress);
    expect(a.meter).toEqual({
      meterNumber: aliceMeter,
      readings: {
        kind: "measured",
        registers: [
          {
            register: "import",
            obis: "1.8.0",
            startAt: "2026-09-30T22:00:00.000Z",
            startWh: "1234567",
            endAt: "2026-10-31T22:45:00.000Z",
            endWh: "1502345",
          },
          {
            register: "export",
            obis: "2.8.0",
            startAt: "2026-09-30T22:00:00.000Z",
            startWh: "98000",
            endAt: "2026-10-31T22:45:00.000Z",
            endWh: "187654",
          },
        ],
      },
    });
    expect(a.touBands?.map((b) => b.hours)).toEqual(touBandHours(DEMO_TOU_DEMAND_TARIFF).map((b) => b.hours));
    expect(a.consumption?.previousYear).toEqual({ start: "2025-10-01", end: "2025-11-01", kwh: previousKwh });
    expect(a.consumption?.currentKwh).toMatch(/^\d+\.\d+$/);
    expect(a.consumption?.currentKwh).not.toBe(previousKwh);
    // Bob's meter has no register readings: said so, not invented.
    const b = invoices.find((s) => s.buyer.customerId === "cust-bob")?.buyer as InvoiceBuyer;
    expect(b.meter?.readings).toEqual({ kind: "unavailable" });
    // Carol is billed by profile: estimated, and no interval consumption to compare.
    const c = carol().buyer as InvoiceBuyer;
    expect(c.meter?.readings).toEqual({ kind: "estimated", basis: "standard load profile" });
    expect(c.consumption).toBeUndefined();
  });

  it("the seller carries VAT id, tax id, bank, contact, dispute body and switching information", async () => {
    const seller = await loadSeller(t.pool, alice().contractId);
    expect(seller).toMatchObject({
      name: "C4E Demo Energy",
      address: DEMO_SELLER_DETAILS.address,
      vatId: DEMO_SELLER_DETAILS.vatId,
      taxId: DEMO_SELLER_DETAILS.taxId,
      iban: DEMO_SELLER_DETAILS.iban,
      bic: DEMO_SELLER_DETAILS.bic,
      disputeBody: DEMO_SELLER_DETAILS.disputeBody,
      switchingInfo: DEMO_SELLER_DETAILS.switchingInfo,
    });
  });

  it("the PDF shows every required item as text, on one page, with the EPC QR code", async () => {
    const s = alice();
    const seller = await loadSeller(t.pool, s.contractId);
    const pdf = await renderInvoicePdf(s, seller);
    const raw = pdfText(pdf, join(dir, "alice.pdf"));
    // With pdfimages (poppler-utils) and zbarimg (zbar-tools) at hand: the drawn code decodes to it.
    const decoded = decodeQr(join(dir, "alice.pdf"));
    if (decoded !== null) expect(decoded).toBe(qrText(s, seller));
    expect(pageCount(pdf)).toBe(1);
    expect(imageCount(pdf)).toBe(1);
    const qr = paymentQrOf(s, seller);
    expect(qr?.ok && qr.lines).toEqual([
      "BCD",
      "002",
      "1",
      "SCT",
      "COBADEFFXXX",
      "C4E Demo Energy",
      "DE89370400440532013000",
      `EUR${formatMinor(s.invoice.amountDueMinor, 2).replace(/,/g, "")}`,
      "",
      "",
      s.number,
      "",
    ]);
    if (raw === null) return; // without pdftotext: the structure above is what can be checked
    const text = raw.replace(/\s+/g, " ");
    const buyer = s.buyer as InvoiceBuyer;
    for (const expected of [
      "C4E Demo Energy",
      DEMO_SELLER_DETAILS.address,
      `VAT id ${DEMO_SELLER_DETAILS.vatId}`,
      `Tax no. ${DEMO_SELLER_DETAILS.taxId}`,
      "IBAN DE89 3704 0044 0532 0130 00",
      "BIC COBADEFFXXX",
      `Customer no. ${demoCustomerNumber("cust-alice")}`,
      buyer.customerName,
      buyer.billingAddress as string,
      s.number as string,
      "Invoice date 2026-11-03",
      "Supply period 2026-10-01 to 2026-10-31",
      `Meter no. ${buyer.meter?.meterNumber}`,
      "Import (OBIS 1.8.0) 2026-10-01 00:00 1,234.567 2026-10-31 23:45 1,502.345 267.778",
      "Export (OBIS 2.8.0) 2026-10-01 00:00 98.000 2026-10-31 23:45 187.654 89.654",
      "Peak: Mon-Fri 08:00-20:00",
      "Night valley: daily 22:00-06:00",
      `Payment reference: ${s.number}`,
      "phone +49 30 1234567-0",
      DEMO_SELLER_DETAILS.contactEmail,
      DEMO_SELLER_DETAILS.disputeBody,
      DEMO_SELLER_DETAILS.switchingInfo,
      "Same period last year (2025-10-01 to 2025-10-31)",
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain("cust-alice");
  });

  it("an SLP invoice says its quantities are estimated", async () => {
    const s = carol();
    const text = pdfText(
      await renderInvoicePdf(s, await loadSeller(t.pool, s.contractId)),
      join(dir, "carol.pdf"),
    );
    if (text === null) return;
    expect(text.replace(/\s+/g, " ")).toContain("Consumption estimated (standard load profile)");
  });

  it("no EPC QR code for a CHF invoice or a seller without IBAN; bank details only where known", async () => {
    const s = alice();
    const seller = await loadSeller(t.pool, s.contractId);
    const chf: StoredInvoice = { ...s, invoice: { ...s.invoice, currency: "CHF" } };
    expect(paymentQrOf(chf, seller)).toEqual({ ok: false, reason: "currency" });
    const chfPdf = await renderInvoicePdf(chf, seller);
    expect(imageCount(chfPdf)).toBe(0);
    const { iban: _iban, ...noIban } = seller;
    expect(paymentQrOf(s, noIban)).toEqual({ ok: false, reason: "no_iban" });
    const noIbanPdf = await renderInvoicePdf(s, noIban);
    expect(imageCount(noIbanPdf)).toBe(0);
    const text = pdfText(noIbanPdf, join(dir, "no-iban.pdf"));
    if (text === null) return;
    expect(text).not.toContain("IBAN");
    expect(text.replace(/\s+/g, " ")).toContain(`Payment reference: ${s.number}`);
  });

  it("a draft has no payment QR (no number yet)", async () => {
    const draft: StoredInvoice = { ...alice(), status: "draft", number: null };
    expect(paymentQrOf(draft, await loadSeller(t.pool, draft.contractId))).toBeNull();
    expect(imageCount(await renderInvoicePdf(draft, await loadSeller(t.pool, draft.contractId)))).toBe(0);
  });
});
