/** Tariffs and terms shared by the billing tests. */
import type { ContractTerms } from "./contract-terms.ts";
import { mustParseTariff } from "./tariff.ts";

const slot = (from: string, to: string, band: string) => ({ from, to, band });

export const TOU_TARIFF = mustParseTariff({
  name: "Three bands",
  currency: "EUR",
  tou: {
    bands: [
      { code: "valley", name: "valley", price: "0.1234" },
      { code: "day", name: "day", price: "0.2871" },
      { code: "peak", name: "peak", price: "0.4119" },
    ],
    holidays: ["2025-12-25"],
    seasons: [
      {
        name: "all",
        from: "01-01",
        to: "12-31",
        dayTypes: {
          weekday: [
            slot("00:00", "06:00", "valley"),
            slot("06:00", "17:00", "day"),
            slot("17:00", "20:00", "peak"),
            slot("20:00", "24:00", "day"),
          ],
          weekend: [slot("00:00", "09:00", "valley"), slot("09:00", "24:00", "day")],
        },
      },
    ],
  },
  fixedCharges: [{ code: "base", description: "Base fee", per: "month", price: "9.87" }],
  demand: { resolutionMinutes: 15, price: "7.77" },
  export: { kind: "feed_in", price: "0.0733" },
});

export const SINGLE_TARIFF = mustParseTariff({
  name: "Single",
  currency: "EUR",
  single: {
    price: [
      { from: "2020-01-01", price: "0.3127" },
      { from: "2025-06-16", price: "0.3391" },
    ],
  },
  fixedCharges: [{ code: "standing", description: "Standing charge", per: "day", price: "0.413" }],
});

export const TERMS: ContractTerms = {
  vatRate: "19",
  vatRateByGroup: { credit: "0", levy: "7" },
  priceIncludesLevy: false,
  levy: { code: "levy", description: "Levy", price: "0.0217" },
  network: {
    paidBy: "customer",
    charges: [
      { code: "net.kwh", description: "Network", per: "kWh", price: "0.0791" },
      { code: "net.meter", description: "Meter", per: "month", price: "1.99" },
    ],
  },
  paymentTermsDays: 14,
};
