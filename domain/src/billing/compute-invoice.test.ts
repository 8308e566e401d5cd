import { describe, expect, it } from "vitest";
import { computeAdvanceInvoice } from "./compute-advance-invoice.ts";
import { computeAnnualSettlement } from "./compute-annual-settlement.ts";
import { computeInvoice } from "./compute-invoice.ts";
import { computeRetroactiveCorrection } from "./compute-retroactive-correction.ts";
import { BillingInputError } from "./errors.ts";
import { invoiceToJson } from "./invoice.ts";
import { SINGLE_TARIFF, TERMS, TOU_TARIFF } from "./fixtures.test-util.ts";
import { mustParseTariff } from "./tariff.ts";

const JUNE = { start: "2025-06-01", end: "2025-07-01" };
const TZ = "Europe/Berlin";
const SIMPLE = mustParseTariff({ name: "s", currency: "EUR", single: { price: "0.30" } });
const TERMS19 = { vatRate: "19", priceIncludesLevy: true, paymentTermsDays: 14 };

describe("computeInvoice", () => {
  it("bills 15-minute intervals: 250 kWh × 0.30 = 75.00 + 19 % = 89.25", () => {
    // 1000 quarter hours × 0.25 kWh = 250 kWh
    const start = Date.parse("2025-05-31T22:00:00Z");
    const intervals = Array.from({ length: 1000 }, (_, i) => ({
      start: new Date(start + i * 900_000).toISOString(),
      importKwh: "0.25",
    }));
    const invoice = computeInvoice({
      tariff: SIMPLE,
      terms: TERMS19,
      period: JUNE,
      timeZone: TZ,
      consumption: { kind: "intervals", intervals },
    });
    expect(invoice.lines.map((l) => [l.quantity, l.amountMinor])).toEqual([["250", 7500n]]);
    expect([invoice.netMinor, invoice.vatMinor, invoice.totalMinor]).toEqual([7500n, 1425n, 8925n]);
  });

  it("ignores intervals outside the period", () => {
    const invoice = computeInvoice({
      tariff: SIMPLE,
      terms: TERMS19,
      period: JUNE,
      timeZone: TZ,
      consumption: {
        kind: "intervals",
        intervals: [
          { start: "2025-05-31T21:45:00Z", importKwh: "100" },
          { start: "2025-05-31T22:00:00Z", importKwh: "1" },
          { start: "2025-06-30T22:00:00Z", importKwh: "100" },
        ],
      },
    });
    expect(invoice.lines[0]!.quantity).toBe("1");
  });

  it.each([
    ["TOU on SLP", TOU_TARIFF, { kind: "slp", annualKwh: "3000" }, "unsupported_combination"],
    [
      "band sums not matching",
      TOU_TARIFF,
      {
        kind: "aggregated",
        importKwhByBand: { day: "1" },
        importKwh: "2",
        exportKwh: "0",
        peakDemandKw: "1",
      },
      "consumption_mismatch",
    ],
    [
      "a missing peak demand",
      TOU_TARIFF,
      { kind: "aggregated", importKwhByBand: { day: "2" }, importKwh: "2", exportKwh: "0" },
      "consumption_mismatch",
    ],
    [
      "a reading going down",
      SIMPLE,
      {
        kind: "readings",
        from: { at: "2025-06-01T00:00:00Z", kwh: "10" },
        to: { at: "2025-07-01T00:00:00Z", kwh: "9" },
      },
      "consumption_mismatch",
    ],
  ] as const)("refuses %s with a typed error", (_what, tariff, consumption, code) => {
    let error: unknown;
    try {
      computeInvoice({ tariff, terms: TERMS, period: JUNE, timeZone: TZ, consumption });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BillingInputError);
    expect((error as BillingInputError).code).toBe(code);
  });

  it("refuses an unknown time zone and an empty period", () => {
    const consumption = { kind: "slp", annualKwh: "1" } as const;
    expect(() =>
      computeInvoice({ tariff: SIMPLE, terms: TERMS19, period: JUNE, timeZone: "Mars/Base", consumption }),
    ).toThrow(/time zone/);
    expect(() =>
      computeInvoice({
        tariff: SIMPLE,
        terms: TERMS19,
        period: { start: "2025-06-01", end: "2025-06-01" },
        timeZone: TZ,
        consumption,
      }),
    ).toThrow(/after start/);
  });

  it("serialises bigints as strings", () => {
    const invoice = computeInvoice({
      tariff: SINGLE_TARIFF,
      terms: TERMS,
      period: JUNE,
      timeZone: TZ,
      consumption: { kind: "slp", annualKwh: "3000" },
    });
    const json = JSON.parse(JSON.stringify(invoiceToJson(invoice))) as { totalMinor: string };
    expect(json.totalMinor).toBe(invoice.totalMinor.toString());
  });
});

describe("advances, settlement, correction", () => {
  it("an advance of 80 % is 0.8 of every line", () => {
    const invoice = computeAdvanceInvoice({
      tariff: SIMPLE,
      terms: TERMS19,
      period: JUNE,
      timeZone: TZ,
      forecast: { kind: "slp", annualKwh: "3000" },
      basis: { basis: "percentage", percentage: "80" },
    });
    // 250 × 0.8 = 200 kWh × 0.30 = 60.00; VAT 11.40
    expect([invoice.kind, invoice.lines[0]!.quantity, invoice.netMinor, invoice.totalMinor]).toEqual([
      "advance",
      "200",
      6000n,
      7140n,
    ]);
  });

  it("settlement refuses a TOU tariff", () => {
    expect(() =>
      computeAnnualSettlement({
        tariff: TOU_TARIFF,
        terms: TERMS,
        period: { start: "2025-01-01", end: "2026-01-01" },
        timeZone: TZ,
        reading: {
          from: { at: "2025-01-01T00:00:00Z", kwh: "0" },
          to: { at: "2026-01-01T00:00:00Z", kwh: "10" },
        },
        billed: [],
      }),
    ).toThrow(BillingInputError);
  });

  it("a correction that changes nothing produces no document", () => {
    const params = {
      tariff: SIMPLE,
      terms: TERMS19,
      period: JUNE,
      timeZone: TZ,
      consumption: { kind: "slp", annualKwh: "3000" },
    } as const;
    const invoice = computeInvoice(params);
    expect(
      computeRetroactiveCorrection({ correctedTariff: SIMPLE, invoices: [{ number: "1", invoice, params }] }),
    ).toEqual([]);
  });

  it("original + correction = the corrected bill to within one minor unit per line", () => {
    const params = {
      tariff: SINGLE_TARIFF,
      terms: TERMS,
      period: JUNE,
      timeZone: TZ,
      consumption: { kind: "slp", annualKwh: "3333" },
    } as const;
    const invoice = computeInvoice(params);
    const correctedTariff = mustParseTariff({ ...SINGLE_TARIFF, single: { price: "0.3333" } });
    const [c] = computeRetroactiveCorrection({
      correctedTariff,
      invoices: [{ number: "INV-9", invoice, params }],
    });
    const fresh = computeInvoice({ ...params, tariff: correctedTariff });
    expect(c?.invoice.references).toEqual({ originalInvoiceNumber: "INV-9" });
    const diff = invoice.netMinor + c!.invoice.netMinor - fresh.netMinor;
    expect(diff <= BigInt(c!.invoice.lines.length) && diff >= -BigInt(c!.invoice.lines.length)).toBe(true);
  });
});
