// Tiered time of use: block split (fast-check: the blocks of a band sum to its kWh under both
// bases; "band" equals plain tiered blocks) and the validation of tiers and tierBasis.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BillingDecimal } from "../money.ts";
import { parseTariff } from "../tariff.ts";
import { touBlocks } from "./time-of-use.ts";

const d = (n: number) => new BillingDecimal(n);
const sum = (xs: BillingDecimal[]) => xs.reduce((a, b) => a.plus(b), d(0));

const tariff = (tou: Record<string, unknown>) => ({
  name: "t",
  currency: "EUR",
  tou: {
    seasons: [
      {
        name: "year",
        from: "01-01",
        to: "12-31",
        dayTypes: {
          weekday: [
            { from: "00:00", to: "08:00", band: "off" },
            { from: "08:00", to: "24:00", band: "on" },
          ],
          weekend: [{ from: "00:00", to: "24:00", band: "off" }],
        },
      },
    ],
    ...tou,
  },
});

describe("touBlocks", () => {
  const bounds = fc
    .uniqueArray(fc.integer({ min: 1, max: 2000 }), { maxLength: 4 })
    .map((xs) => xs.sort((a, b) => a - b).map(d));

  it("the blocks of a band sum to its kWh exactly, under both bases", () => {
    fc.assert(
      fc.property(bounds, fc.nat(3000), fc.nat(3000), (b, bandKwh, otherKwh) => {
        const band = d(bandKwh).div(7);
        const total = band.plus(otherKwh);
        for (const basis of ["band", "total"] as const) {
          const blocks = touBlocks(b, band, total, basis);
          expect(blocks).toHaveLength(b.length + 1);
          expect(sum(blocks.map((x) => x.kwh)).equals(band)).toBe(true);
          for (const x of blocks) expect(x.kwh.isNegative() && !x.kwh.isZero()).toBe(false);
        }
      }),
    );
  });

  it("'total' with one band is 'band'; a block is reached only when the total reaches it", () => {
    fc.assert(
      fc.property(bounds, fc.nat(3000), (b, kwh) => {
        const a = touBlocks(b, d(kwh), d(kwh), "total").map((x) => x.kwh.toFixed());
        const c = touBlocks(b, d(kwh), d(kwh), "band").map((x) => x.kwh.toFixed());
        expect(a).toEqual(c);
      }),
    );
  });

  it("total 200 over blocks at 100: a band with 80 kWh gets 40 + 40", () => {
    const blocks = touBlocks([d(100)], d(80), d(200), "total");
    expect(blocks.map((x) => x.kwh.toFixed())).toEqual(["40", "40"]);
    expect(touBlocks([d(100)], d(80), d(200), "band").map((x) => x.kwh.toFixed())).toEqual(["80", "0"]);
  });
});

describe("tiered TOU validation", () => {
  const bands = [
    { code: "on", name: "on", price: "0.3", tiers: [{ aboveKwh: "100", price: "0.4" }] },
    { code: "off", name: "off", price: "0.2" },
  ];

  it("accepts tiered bands with a tierBasis", () => {
    expect(parseTariff(tariff({ bands, tierBasis: "total" })).ok).toBe(true);
  });

  it("names the field of every problem", () => {
    const r = parseTariff(
      tariff({
        bands: [
          {
            code: "on",
            name: "on",
            price: "0.3",
            tiers: [
              { aboveKwh: "100", price: "0.4" },
              { aboveKwh: "50", price: "-1" },
              { aboveKwh: "0", price: "0.5", upToKwh: "1" },
            ],
          },
          { code: "off", name: "off", price: "0.2", tiers: [] },
        ],
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual([
      "tou.bands[0].tiers[1].price",
      "tou.bands[0].tiers[1].aboveKwh",
      "tou.bands[0].tiers[2].upToKwh",
      "tou.bands[0].tiers[2].aboveKwh",
      "tou.bands[1].tiers",
      "tou.tierBasis",
    ]);
    expect(r.errors.at(-1)!.message).toContain("required with tiered bands");
  });

  it("refuses an unknown basis and a basis without tiered bands", () => {
    const r = parseTariff(
      tariff({ bands: bands.slice(1).concat({ code: "on", name: "on", price: "0.3" }), tierBasis: "month" }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.path, e.message])).toEqual([
      ["tou.tierBasis", 'must be one of band, total (got "month")'],
      ["tou.tierBasis", "only with tiered bands (no band has tiers)"],
    ]);
  });
});
