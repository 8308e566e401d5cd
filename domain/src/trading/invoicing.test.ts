// Delivery notes per payment schedule, invoice consolidation (one invoice per counterparty, currency
// and price type, each line rounded once) and the incoming-invoice check.
import { describe, expect, it } from "vitest";
import { type InvoiceableNote, checkIncomingInvoice, consolidateInvoices } from "./invoicing.ts";
import { deliveryNotes, scheduleWindows } from "./delivery-notes.ts";
import { parseMwh } from "./mwh.ts";
import { formatAmount } from "./price.ts";
import { intervalPrices } from "./pricing.ts";
import { expandProduct } from "./product.ts";

const TZ = "Europe/Budapest";

describe("delivery notes", () => {
  it("decades split a month 1–10, 11–20, 21–end; monthly clips to the delivery period", () => {
    expect(scheduleWindows({ start: "2026-02-01", end: "2026-03-01" }, "decade")).toEqual([
      { start: "2026-02-01", end: "2026-02-11" },
      { start: "2026-02-11", end: "2026-02-21" },
      { start: "2026-02-21", end: "2026-03-01" },
    ]);
    expect(scheduleWindows({ start: "2026-01-15", end: "2026-03-10" }, "monthly")).toEqual([
      { start: "2026-01-15", end: "2026-02-01" },
      { start: "2026-02-01", end: "2026-03-01" },
      { start: "2026-03-01", end: "2026-03-10" },
    ]);
  });

  it("per decade from the contracted shape, with actual quantities where given", () => {
    const shape = expandProduct({
      product: { kind: "base" },
      tenor: { kind: "month", month: "2026-03" },
      quantity: { kind: "power", mw: "2" },
      timeZone: TZ,
      resolutionMinutes: 60,
    });
    const prices = intervalPrices(shape, { kind: "fixed", pricePerMwh: "90.5" });
    const actual = new Map<number, bigint>();
    // every hour of the first decade was actually delivered at 1.9 MWh
    for (const t of shape.startMs.slice(0, 240)) actual.set(t, parseMwh("1.9"));
    const notes = deliveryNotes({
      contractId: "C1",
      shape,
      prices,
      schedule: "decade",
      period: { start: "2026-03-01", end: "2026-04-01" },
      timeZone: TZ,
      actual,
    });
    expect(
      notes.map((n) => [
        n.period.start,
        n.source,
        n.intervals,
        Number(n.quantityMwh) / 1e4,
        formatAmount(n.amount),
      ]),
    ).toEqual([
      ["2026-03-01", "actual", 240, 456, "41268"], // 240 h × 1.9 MWh = 456 MWh × 90.5
      ["2026-03-11", "contracted", 240, 480, "43440"], // 240 × 2 = 480 × 90.5
      ["2026-03-21", "contracted", 263, 526, "47603"], // 11 days − 1 h (DST 29 March) = 263 h × 2 = 526 × 90.5
    ]);
  });
});

const note = (over: Partial<InvoiceableNote>): InvoiceableNote => ({
  contractId: "C",
  period: { start: "2026-03-01", end: "2026-04-01" },
  source: "contracted",
  intervals: 743,
  quantityMwh: parseMwh("743"),
  amount: 0n,
  reference: "N",
  contractNumber: "S-1",
  counterpartyId: "cp-a",
  currency: "EUR",
  priceType: "fixed",
  vatRate: "0",
  ...over,
});

describe("consolidateInvoices", () => {
  // amounts in 10⁻¹⁰ units: 12.345 EUR = 123_450_000_000n
  const notes = [
    note({ reference: "N1", contractNumber: "S-1", amount: 123_450_000_000n, vatRate: "27" }),
    note({ reference: "N2", contractNumber: "S-2", amount: 100_004_000_000n, vatRate: "27" }),
    note({ reference: "N3", contractNumber: "S-3", amount: 50_005_000_000n, vatRate: "27" }),
    note({
      reference: "N4",
      contractNumber: "S-4",
      priceType: "indexed:HU",
      amount: 10_000_000_000n,
      vatRate: "27",
    }),
    note({ reference: "N5", contractNumber: "S-5", counterpartyId: "cp-b", amount: 10_000_000_000n }),
    note({
      reference: "N6",
      contractNumber: "S-6",
      period: { start: "2026-04-01", end: "2026-05-01" },
      amount: 1n,
    }),
  ];
  it("three notes of one counterparty, currency and price type → one invoice; lines rounded once", () => {
    const invoices = consolidateInvoices(notes, { start: "2026-03-01", end: "2026-04-01" }, TZ);
    expect(invoices.map((i) => [i.counterpartyId, i.priceType, i.noteReferences])).toEqual([
      ["cp-a", "fixed", ["N1", "N2", "N3"]],
      ["cp-a", "indexed:HU", ["N4"]],
      ["cp-b", "fixed", ["N5"]],
    ]);
    const inv = invoices[0]?.invoice;
    // 12.345 → 12.35; 10.0004 → 10.00; 5.0005 → 5.00 ; net 27.35; VAT 27 % of 27.35 = 7.3845 → 7.38
    expect(inv?.lines.map((l) => l.amountMinor)).toEqual([1235n, 1000n, 500n]);
    expect([inv?.netMinor, inv?.vatMinor, inv?.totalMinor]).toEqual([2735n, 738n, 3473n]);
    expect(inv?.lines[0]?.quantity).toBe("743000"); // kWh
    expect(inv?.lines[0]?.breakdown).toMatchObject({ quantityMwh: "743.0000", note: "N1" });
  });

  it("an incoming invoice: equal lines pass; a quantity or amount difference and a missing note are flagged", () => {
    const ours = notes.slice(0, 3);
    expect(
      checkIncomingInvoice(ours, [
        { noteReference: "N1", quantityMwh: parseMwh("743"), amountMinor: 1235n },
        { noteReference: "N2", quantityMwh: parseMwh("743"), amountMinor: 1000n },
        { noteReference: "N3", quantityMwh: parseMwh("743"), amountMinor: 500n },
      ]).ok,
    ).toBe(true);
    const r = checkIncomingInvoice(ours, [
      { noteReference: "N1", quantityMwh: parseMwh("744"), amountMinor: 1235n },
      { noteReference: "N2", quantityMwh: parseMwh("743"), amountMinor: 1002n },
      { noteReference: "X9", quantityMwh: 1n, amountMinor: 1n },
    ]);
    expect(r.differences).toEqual([
      { kind: "quantity", noteReference: "N1", expectedMwh: "743.0000", invoicedMwh: "744.0000" },
      { kind: "amount", noteReference: "N2", expectedMinor: "1000", invoicedMinor: "1002" },
      { kind: "unknown_note", noteReference: "X9" },
      { kind: "missing_line", noteReference: "N3" },
    ]);
    // within a tolerance of 2 minor units the amount passes
    expect(
      checkIncomingInvoice(
        [ours[1] as InvoiceableNote],
        [{ noteReference: "N2", quantityMwh: parseMwh("743"), amountMinor: 1002n }],
        2n,
      ).ok,
    ).toBe(true);
  });
});
