import { describe, expect, it } from "vitest";
import { computeInvoice } from "../compute-invoice.ts";
import { BillingInputError } from "../errors.ts";
import { type Tariff, energyPricing, mustParseTariff, parseTariff } from "../tariff.ts";
import { ENERGY_KINDS, ENERGY_MODELS } from "./energy-models.ts";

const base = { name: "t", currency: "EUR" } as const;
const samples: Record<(typeof ENERGY_KINDS)[number], Tariff> = {
  single: mustParseTariff({ ...base, single: { price: "0.30" } }),
  tiered: mustParseTariff({
    ...base,
    tiered: {
      tiers: [
        { upToKwh: "100", price: "0.20" },
        { upToKwh: null, price: "0.40" },
      ],
    },
  }),
  dynamic: mustParseTariff({ ...base, dynamic: { resolutionMinutes: 60, margin: "0.02" } }),
  tou: mustParseTariff({
    ...base,
    tou: {
      bands: [{ code: "all_day", name: "All day", price: "0.30" }],
      seasons: [
        {
          name: "year",
          from: "01-01",
          to: "12-31",
          dayTypes: {
            weekday: [{ from: "00:00", to: "24:00", band: "all_day" }],
            weekend: [{ from: "00:00", to: "24:00", band: "all_day" }],
          },
        },
      ],
    },
  }),
};

describe("energy charge models", () => {
  it.each(ENERGY_KINDS)("%s: the tariff key is the model discriminant", (kind) => {
    const energy = energyPricing(samples[kind]);
    expect(energy.model).toBe(kind);
    expect(energy.pricing).toBe((samples[kind] as Record<string, unknown>)[kind]);
  });

  it.each(ENERGY_KINDS)("%s: its validator reports errors under its own key", (kind) => {
    const r = parseTariff({ ...base, [kind]: { bogus: 1 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(`${kind}.bogus`);
  });

  it("two energy models in one tariff are refused", () => {
    const r = parseTariff({
      ...base,
      single: { price: "0.3" },
      dynamic: { resolutionMinutes: 60, margin: "0" },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.message).toMatch(/got single, dynamic/);
  });

  it.each(ENERGY_KINDS)("%s: billing meter readings only where the model bills totals", (kind) => {
    const params = {
      tariff: samples[kind],
      terms: { priceIncludesLevy: true, vatRate: "0.19" },
      period: { start: "2025-01-01", end: "2025-02-01" },
      timeZone: "Europe/Berlin",
      consumption: { kind: "readings" as const, from: { kwh: "1000" }, to: { kwh: "1150" } },
    };
    if (ENERGY_MODELS[kind].billsTotals) {
      // 150 kWh: single 150 × 0.30 = 45.00; tiered 100 × 0.20 + 50 × 0.40 = 40.00
      const invoice = computeInvoice(params as Parameters<typeof computeInvoice>[0]);
      const energy = invoice.lines.filter((l) => l.group === "energy");
      expect(energy.map((l) => l.amountMinor).reduce((a, b) => a + b, 0n)).toBe(
        kind === "single" ? 4500n : 4000n,
      );
    } else {
      expect(() => computeInvoice(params as Parameters<typeof computeInvoice>[0])).toThrow(BillingInputError);
    }
  });
});
