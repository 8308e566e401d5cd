// Net metering per band: the bill does not depend on how the meter encodes an interval (gross
// import and export, or their per-interval net), and the excess rules' validation.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { billLines } from "../bill-lines.ts";
import { BillingDecimal } from "../money.ts";
import { TERMS, TOU_TARIFF } from "../fixtures.test-util.ts";
import { type Tariff, mustParseTariff, parseTariff } from "../tariff.ts";

const TZ = "Europe/Berlin";
const period = { start: "2025-06-02", end: "2025-06-03" };
const startMs = Date.parse("2025-06-01T22:00:00Z");
const tariff = mustParseTariff({
  ...TOU_TARIFF,
  export: { kind: "net_metering", netting: "band", excess: { kind: "roll-over" } },
}) as Tariff;

describe("net metering within each band", () => {
  it("gross or per-interval netted meter data give the same bill and carry-over", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2000), fc.nat(2000)), { minLength: 96, maxLength: 96 }),
        (rows) => {
          const bill = (net: boolean) => {
            const intervals = rows.map(([i, e], q) => {
              const [imp, exp] = net ? [Math.max(0, i - e), Math.max(0, e - i)] : [i, e];
              return {
                start: new Date(startMs + q * 900_000).toISOString(),
                importKwh: new BillingDecimal(imp).div(1000).toFixed(),
                exportKwh: new BillingDecimal(exp).div(1000).toFixed(),
              };
            });
            const r = billLines({
              tariff,
              terms: TERMS,
              period,
              timeZone: TZ,
              consumption: { kind: "intervals", intervals },
            });
            return r.lines
              .filter((l) => l.code.startsWith("energy."))
              .map((l) => [
                l.code,
                l.quantity.toFixed(),
                JSON.stringify((l.breakdown?.netMetering as { bands: unknown }).bands),
              ]);
          };
          const gross = bill(false);
          const netted = bill(true);
          expect(gross.map((x) => x.slice(0, 2))).toEqual(netted.map((x) => x.slice(0, 2)));
          // carry-over per band equal too (import/export shown differ, billed and excess do not)
          const carry = (x: string[][]) =>
            x.map((l) =>
              Object.values(
                JSON.parse(l[2]!) as Record<string, { billedKwh: string; carryOverKwh: string }>,
              ).map((b) => [b.billedKwh, b.carryOverKwh]),
            );
          expect(carry(gross)).toEqual(carry(netted));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("validates the excess rule with field paths", () => {
    const errors = (exp: unknown) => {
      const r = parseTariff({ name: "t", currency: "EUR", single: { price: "0.3" }, export: exp });
      return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(
      errors({ kind: "net_metering", netting: "band", excess: { kind: "sell-back", price: "0.05" } }),
    ).toEqual([]);
    expect(
      errors({ kind: "net_metering", netting: "band", excess: { kind: "annual-true-up", price: "retail" } }),
    ).toEqual([]);
    expect(errors({ kind: "net_metering", excess: { kind: "roll-over" } })).toEqual([
      'export.excess.kind: roll-over needs export.netting "band" (the credit is kept per band)',
    ]);
    expect(errors({ kind: "net_metering", netting: "hour", excess: { kind: "annual-true-up" } })).toEqual([
      'export.netting: must be one of period, band (got "hour")',
      'export.excess.price: required: a price per kWh or "retail"',
    ]);
    expect(
      errors({ kind: "net_metering", netting: "band", excess: { kind: "sell-back", price: "-1" } }),
    ).toEqual(["export.excess.price: must not be negative (got -1)"]);
    expect(errors({ kind: "feed_in", price: "0.1", excess: { kind: "drop" } })).toEqual([
      "export.excess: only with net_metering",
    ]);
  });
});

describe("net metering with dynamic prices", () => {
  const dyn = mustParseTariff({
    name: "d",
    currency: "EUR",
    dynamic: { resolutionMinutes: 60, margin: "0" },
    export: { kind: "net_metering", netting: "band", excess: { kind: "sell-back", price: "0.01" } },
  });

  it("nets per price hour: never creates energy, and netted − excess = import − export", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(900), fc.nat(900)), { minLength: 96, maxLength: 96 }),
        fc.array(fc.integer({ min: -50, max: 500 }), { minLength: 24, maxLength: 24 }),
        (rows, cents) => {
          const intervals = rows.map(([i, e], q) => ({
            start: new Date(startMs + q * 900_000).toISOString(),
            importKwh: new BillingDecimal(i).div(1000).toFixed(),
            exportKwh: new BillingDecimal(e).div(1000).toFixed(),
          }));
          const marketPrices = cents.map((c, h) => ({
            start: new Date(startMs + h * 3_600_000).toISOString(),
            price: new BillingDecimal(c).div(1000).toFixed(),
          }));
          const { quantities: q } = billLines({
            tariff: dyn,
            terms: TERMS,
            period,
            timeZone: TZ,
            consumption: { kind: "intervals", intervals },
            marketPrices,
          });
          expect(q.billedKwh.lessThanOrEqualTo(q.importKwh)).toBe(true);
          expect(q.surplusExportKwh.lessThanOrEqualTo(q.exportKwh)).toBe(true);
          expect(q.billedKwh.minus(q.surplusExportKwh).equals(q.importKwh.minus(q.exportKwh))).toBe(true);
          expect(q.dynamicCost?.energyKwh.equals(q.billedKwh)).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("refuses period netting with dynamic prices, and a true-up not at the credit's value", () => {
    const errors = (exp: unknown) => {
      const r = parseTariff({
        name: "d",
        currency: "EUR",
        dynamic: { resolutionMinutes: 60, margin: "0" },
        export: exp,
      });
      return r.ok ? [] : r.errors.map((e) => e.path);
    };
    expect(errors({ kind: "net_metering" })).toEqual(["export.kind"]);
    expect(errors({ kind: "net_metering", netting: "band", excess: { kind: "roll-over" } })).toEqual([]);
    expect(
      errors({ kind: "net_metering", netting: "band", excess: { kind: "annual-true-up", price: "0.04" } }),
    ).toEqual(["export.excess.price"]);
    expect(
      errors({ kind: "net_metering", netting: "band", excess: { kind: "annual-true-up", price: "retail" } }),
    ).toEqual([]);
  });
});
