// Property tests (fast-check) for the billing engine: sums, rounding, period splitting, DST,
// advances, and raw vs SQL-style aggregated consumption.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type IntervalReading, aggregateIntervals } from "./consumption.ts";
import { computeInvoice } from "./compute-invoice.ts";
import { deductibleAdvances } from "./invoice-builder.ts";
import type { Invoice } from "./invoice.ts";
import { addDays, daysBetween, dayOfWeek, hoursInLocalDay, localMidnightUtcMs } from "./local-time.ts";
import { BillingDecimal, minorUnitDigits } from "./money.ts";
import { SINGLE_TARIFF, TERMS, TOU_TARIFF } from "./fixtures.test-util.ts";
import { touWindows } from "./tou-windows.ts";

const TZ = "Europe/Berlin";
const QUARTER = 900_000;

/** A month of 2025 and random intervals inside it (sparse, 15-minute aligned). */
const monthWithIntervals = fc
  .record({
    month: fc.integer({ min: 1, max: 12 }),
    picks: fc.uniqueArray(fc.nat({ max: 2975 }), { maxLength: 80 }),
  })
  .chain(({ month, picks }) =>
    fc
      .array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 3000 })), {
        minLength: picks.length,
        maxLength: picks.length,
      })
      .map((amounts) => {
        const start = `2025-${String(month).padStart(2, "0")}-01`;
        const end = month === 12 ? "2026-01-01" : `2025-${String(month + 1).padStart(2, "0")}-01`;
        const startMs = localMidnightUtcMs(start, TZ);
        const quarters = (localMidnightUtcMs(end, TZ) - startMs) / QUARTER;
        const intervals: IntervalReading[] = picks
          .filter((q) => q < quarters)
          .map((q, i) => ({
            start: new Date(startMs + q * QUARTER).toISOString(),
            importKwh: new BillingDecimal(amounts[i]![0]).div(1000).toFixed(),
            exportKwh: new BillingDecimal(amounts[i]![1]).div(1000).toFixed(),
          }));
        return { period: { start, end }, intervals };
      }),
  );

function monthly(
  tariff: typeof TOU_TARIFF,
  period: { start: string; end: string },
  intervals: IntervalReading[],
): Invoice {
  return computeInvoice({
    tariff,
    terms: TERMS,
    period,
    timeZone: TZ,
    consumption: { kind: "intervals", intervals },
  });
}

describe("billing properties", () => {
  it("Σ lines = net, Σ VAT summary = VAT, net + VAT = total, and each line is within half a minor unit", () => {
    fc.assert(
      fc.property(monthWithIntervals, fc.boolean(), ({ period, intervals }, tou) => {
        const invoice = monthly(tou ? TOU_TARIFF : SINGLE_TARIFF, period, intervals);
        expect(invoice.lines.reduce((s, l) => s + l.amountMinor, 0n)).toBe(invoice.netMinor);
        expect(invoice.vatSummary.reduce((s, v) => s + v.netMinor, 0n)).toBe(invoice.netMinor);
        expect(invoice.vatSummary.reduce((s, v) => s + v.vatMinor, 0n)).toBe(invoice.vatMinor);
        expect(invoice.netMinor + invoice.vatMinor).toBe(invoice.totalMinor);
        const scale = new BillingDecimal(10).pow(minorUnitDigits(invoice.currency));
        for (const line of invoice.lines) {
          const diff = new BillingDecimal(line.amountMinor.toString()).minus(
            new BillingDecimal(line.preciseAmount).times(scale),
          );
          expect(diff.abs().lessThanOrEqualTo("0.5")).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("billing raw intervals and their aggregation gives the identical invoice", () => {
    fc.assert(
      fc.property(monthWithIntervals, fc.boolean(), ({ period, intervals }, tou) => {
        const tariff = tou ? TOU_TARIFF : SINGLE_TARIFF;
        const raw = computeInvoice({
          tariff,
          terms: TERMS,
          period,
          timeZone: TZ,
          consumption: { kind: "intervals", intervals },
        });
        const aggregated = aggregateIntervals({
          tariff,
          period,
          timeZone: TZ,
          consumption: { kind: "intervals", intervals },
        });
        const agg = computeInvoice({ tariff, terms: TERMS, period, timeZone: TZ, consumption: aggregated });
        expect(agg).toEqual(raw);
      }),
      { numRuns: 60 },
    );
  });

  it("the aggregation equals a join of the intervals against touWindows (what the SQL does)", () => {
    fc.assert(
      fc.property(monthWithIntervals, ({ period, intervals }) => {
        const windows = touWindows({ tariff: TOU_TARIFF, period, timeZone: TZ });
        const byBand = new Map<string, BillingDecimal>();
        for (const r of intervals) {
          const t = Date.parse(r.start);
          const w = windows.find((x) => x.start.getTime() <= t && t < x.end.getTime());
          expect(w).toBeDefined();
          byBand.set(w!.band, (byBand.get(w!.band) ?? new BillingDecimal(0)).plus(r.importKwh));
        }
        const agg = aggregateIntervals({
          tariff: TOU_TARIFF,
          period,
          timeZone: TZ,
          consumption: { kind: "intervals", intervals },
        });
        for (const [band, q] of Object.entries(agg.importKwhByBand)) {
          expect(q).toBe((byBand.get(band) ?? new BillingDecimal(0)).toFixed());
        }
      }),
      { numRuns: 40 },
    );
  });

  it("splitting a period at any day and billing the parts gives the same energy quantities", () => {
    fc.assert(
      fc.property(monthWithIntervals, fc.integer({ min: 1, max: 30 }), ({ period, intervals }, cut) => {
        const days = daysBetween(period.start, period.end);
        fc.pre(cut < days);
        const mid = addDays(period.start, cut);
        const whole = monthly(TOU_TARIFF, period, intervals);
        const a = monthly(TOU_TARIFF, { start: period.start, end: mid }, intervals);
        const b = monthly(TOU_TARIFF, { start: mid, end: period.end }, intervals);
        const energy = (inv: Invoice, code: string): BillingDecimal =>
          inv.lines
            .filter((l) => l.code === code && l.unit === "kWh")
            .reduce((s, l) => s.plus(l.quantity), new BillingDecimal(0));
        for (const code of [
          "energy.valley",
          "energy.day",
          "energy.peak",
          "export.feed_in",
          "levy",
          "net.kwh",
        ]) {
          expect(energy(a, code).plus(energy(b, code)).equals(energy(whole, code))).toBe(true);
        }
        // Fixed monthly charges split into exact month fractions too.
        const months = (inv: Invoice): BillingDecimal =>
          inv.lines
            .filter((l) => l.code === "base")
            .reduce((s, l) => s.plus(l.quantity), new BillingDecimal(0));
        expect(months(a).plus(months(b)).toDecimalPlaces(40).equals(months(whole))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("local days have 24 hours, except the EU DST days: 23 (last Sunday of March) and 25 (last Sunday of October)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2045 }), fc.integer({ min: 0, max: 365 }), (year, offset) => {
        const date = addDays(`${year}-01-01`, offset);
        const hours = hoursInLocalDay(date, TZ);
        const month = Number(date.slice(5, 7));
        const lastSunday = dayOfWeek(date) === 0 && Number(date.slice(8, 10)) > 31 - 7;
        const expected = lastSunday && month === 3 ? 23 : lastSunday && month === 10 ? 25 : 24;
        expect(hours).toBe(expected);
        // TOU windows of the day cover exactly its hours.
        const windows = touWindows({
          tariff: TOU_TARIFF,
          period: { start: date, end: addDays(date, 1) },
          timeZone: TZ,
        });
        const covered = windows.reduce((s, w) => s + (w.end.getTime() - w.start.getTime()), 0);
        expect(covered).toBe(hours * 3_600_000);
        for (let i = 1; i < windows.length; i++)
          expect(windows[i]!.start.getTime()).toBe(windows[i - 1]!.end.getTime());
      }),
      { numRuns: 300 },
    );
  });

  it("advances are never deducted twice", () => {
    const ref = fc.constantFrom("A-1", "A-2", "A-3", "A-4", "A-5");
    fc.assert(
      fc.property(
        fc.array(fc.record({ reference: ref, amountMinor: fc.bigInt({ min: 0n, max: 100_000n }) }), {
          maxLength: 12,
        }),
        fc.uniqueArray(ref, { maxLength: 3 }),
        (advances, already) => {
          const invoice = computeInvoice({
            tariff: SINGLE_TARIFF,
            terms: TERMS,
            period: { start: "2025-06-01", end: "2025-07-01" },
            timeZone: TZ,
            consumption: { kind: "slp", annualKwh: "3000" },
            advances,
            alreadyDeducted: already,
          });
          const refs = invoice.advancesDeducted.map((a) => a.reference);
          expect(new Set(refs).size).toBe(refs.length);
          for (const r of refs) expect(already).not.toContain(r);
          const sum = invoice.advancesDeducted.reduce((s, a) => s + a.amountMinor, 0n);
          expect(invoice.amountDueMinor).toBe(invoice.totalMinor - sum);
          // Deducting the same list again after this invoice deducts nothing more.
          expect(deductibleAdvances(advances, [...already, ...refs])).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
