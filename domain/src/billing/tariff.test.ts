import { describe, expect, it } from "vitest";
import { parseContractTerms } from "./contract-terms.ts";
import { parseTariff } from "./tariff.ts";

const slot = (from: string, to: string, band: string) => ({ from, to, band });
const tou = (weekday: unknown[], seasons?: unknown[]) => ({
  name: "t",
  currency: "EUR",
  tou: {
    bands: [
      { code: "peak", name: "peak", price: "0.4" },
      { code: "off", name: "off", price: "0.2" },
    ],
    seasons: seasons ?? [
      {
        name: "winter",
        from: "10-01",
        to: "03-31",
        dayTypes: { weekday: [slot("00:00", "24:00", "off")], weekend: [slot("00:00", "24:00", "off")] },
      },
      {
        name: "summer",
        from: "04-01",
        to: "09-30",
        dayTypes: { weekday, weekend: [slot("00:00", "24:00", "off")] },
      },
    ],
  },
});

describe("parseTariff", () => {
  it("accepts a valid TOU tariff", () => {
    expect(
      parseTariff(
        tou([slot("00:00", "08:00", "off"), slot("08:00", "20:00", "peak"), slot("20:00", "24:00", "off")]),
      ).ok,
    ).toBe(true);
  });

  it.each([
    [
      "overlapping hours",
      tou([slot("00:00", "08:00", "off"), slot("08:00", "20:00", "peak"), slot("19:00", "24:00", "off")]),
      "tou.seasons[1].dayTypes.weekday[2].from",
    ],
    [
      "missing hours",
      tou([slot("00:00", "08:00", "off"), slot("09:00", "24:00", "peak")]),
      "tou.seasons[1].dayTypes.weekday",
    ],
    [
      "a time off the quarter hour",
      tou([slot("00:00", "08:10", "off"), slot("08:10", "24:00", "peak")]),
      "tou.seasons[1].dayTypes.weekday[0].to",
    ],
    ["an unknown band", tou([slot("00:00", "24:00", "nope")]), "tou.seasons[1].dayTypes.weekday[0].band"],
    [
      "a missing season day",
      tou(
        [slot("00:00", "24:00", "off")],
        [
          {
            name: "a",
            from: "01-01",
            to: "02-28",
            dayTypes: { weekday: [slot("00:00", "24:00", "off")], weekend: [slot("00:00", "24:00", "off")] },
          },
          {
            name: "b",
            from: "03-01",
            to: "12-31",
            dayTypes: { weekday: [slot("00:00", "24:00", "off")], weekend: [slot("00:00", "24:00", "off")] },
          },
        ],
      ),
      "tou.seasons",
    ],
    ["an unknown currency", { name: "x", currency: "XYZ", single: { price: "0.3" } }, "currency"],
    ["a negative price", { name: "x", currency: "EUR", single: { price: "-0.3" } }, "single.price"],
    [
      "a bad schedule date",
      { name: "x", currency: "EUR", single: { price: [{ from: "2025-13-01", price: "1" }] } },
      "single.price[0].from",
    ],
    [
      "a negative tier bound",
      {
        name: "x",
        currency: "EUR",
        tiered: {
          tiers: [
            { upToKwh: "-1", price: "1" },
            { upToKwh: null, price: "2" },
          ],
        },
      },
      "tiered.tiers[0].upToKwh",
    ],
    [
      "non-increasing tiers",
      {
        name: "x",
        currency: "EUR",
        tiered: {
          tiers: [
            { upToKwh: "10", price: "1" },
            { upToKwh: "10", price: "1" },
            { upToKwh: null, price: "2" },
          ],
        },
      },
      "tiered.tiers[1].upToKwh",
    ],
    ["no energy price", { name: "x", currency: "EUR" }, ""],
    ["an unknown field", { name: "x", currency: "EUR", single: { price: "1" }, typo: 1 }, "typo"],
    [
      "net metering on a dynamic tariff",
      {
        name: "x",
        currency: "EUR",
        dynamic: { resolutionMinutes: 60, margin: "0.01" },
        export: { kind: "net_metering" },
      },
      "export.kind",
    ],
    [
      "a bad demand resolution",
      { name: "x", currency: "EUR", single: { price: "1" }, demand: { resolutionMinutes: 30, price: "1" } },
      "demand.resolutionMinutes",
    ],
  ])("refuses %s, naming %s", (_what, json, path) => {
    const result = parseTariff(json);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain(path);
  });

  it("allows more than eight bands never", () => {
    const bands = Array.from({ length: 9 }, (_, i) => ({ code: `b${i}`, name: `b${i}`, price: "0.1" }));
    const result = parseTariff({ name: "x", currency: "EUR", tou: { bands, seasons: [] } });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors[0]).toEqual({ path: "tou.bands", message: "allows at most 8 entries" });
  });
});

describe("parseContractTerms", () => {
  it("requires a levy when the price excludes it", () => {
    const result = parseContractTerms({ vatRate: "19", priceIncludesLevy: false, paymentTermsDays: 14 });
    expect(result).toEqual({
      ok: false,
      errors: [{ path: "levy", message: "required when priceIncludesLevy is false" }],
    });
  });

  it("names bad fields", () => {
    const result = parseContractTerms({
      vatRate: "x",
      priceIncludesLevy: true,
      paymentTermsDays: -1,
      advances: { basis: "weekly" },
    });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.map((e) => e.path)).toEqual(["vatRate", "advances.basis", "paymentTermsDays"]);
  });
});
