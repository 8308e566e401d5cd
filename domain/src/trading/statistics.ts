/**
 * The monthly statistical return of a trader (modelled on the Hungarian V614 return of traded,
 * imported and exported electricity and held cross-border capacity). Layout, one row per line:
 *
 * | code      | label                                   | partner  | quantityMwh | amount        |
 * | --------- | --------------------------------------- | -------- | ----------- | ------------- |
 * | 1         | purchases from domestic counterparties  |          | Σ MWh       | Σ, currency   |
 * | 2.<CC>    | imports (purchases from country CC)     | CC       |             |               |
 * | 3         | sales to domestic counterparties        |          |             |               |
 * | 4.<CC>    | exports (sales to country CC)           | CC       |             |               |
 * | 5         | total traded (1 + 2 + 3 + 4)            |          |             |               |
 * | 6.<XX>YY> | cross-border capacity held XX→YY (MW·h) | XX>YY    |             | capacity cost |
 *
 * Quantities are MWh with 4 decimals; amounts are the exact sums rounded once to the currency's
 * minor unit. Rows with nothing are left out, except 1, 3 and 5, which are always present.
 */
import type { CurrencyCode } from "../billing/iso-4217.ts";
import { roundToMinor } from "../billing/money.ts";
import type { CapacityHour } from "./capacity.ts";
import { type Mwh4, formatMwh } from "./mwh.ts";
import { type Amount10, amountToDecimal } from "./price.ts";

export type StatisticsDeal = {
  side: "buy" | "sell";
  counterpartyCountry: string;
  quantityMwh: Mwh4;
  amount: Amount10;
};

export type StatisticsRow = {
  month: string;
  code: string;
  label: string;
  partner: string;
  quantityMwh: string;
  amountMinor: bigint;
  currency: CurrencyCode;
};

export function statisticsRows(p: {
  month: string;
  homeCountry: string;
  currency: CurrencyCode;
  deals: readonly StatisticsDeal[];
  capacity: readonly CapacityHour[];
}): StatisticsRow[] {
  const acc = new Map<string, { label: string; partner: string; q: Mwh4; a: Amount10 }>();
  const add = (code: string, label: string, partner: string, q: Mwh4, a: Amount10) => {
    const r = acc.get(code) ?? { label, partner, q: 0n, a: 0n };
    r.q += q;
    r.a += a;
    acc.set(code, r);
  };
  add("1", "purchases from domestic counterparties", "", 0n, 0n);
  add("3", "sales to domestic counterparties", "", 0n, 0n);
  add("5", "total traded", "", 0n, 0n);
  for (const d of p.deals) {
    const domestic = d.counterpartyCountry === p.homeCountry;
    if (d.side === "buy") {
      if (domestic) add("1", "purchases from domestic counterparties", "", d.quantityMwh, d.amount);
      else
        add(
          `2.${d.counterpartyCountry}`,
          `imports from ${d.counterpartyCountry}`,
          d.counterpartyCountry,
          d.quantityMwh,
          d.amount,
        );
    } else if (domestic) add("3", "sales to domestic counterparties", "", d.quantityMwh, d.amount);
    else
      add(
        `4.${d.counterpartyCountry}`,
        `exports to ${d.counterpartyCountry}`,
        d.counterpartyCountry,
        d.quantityMwh,
        d.amount,
      );
    add("5", "total traded", "", d.quantityMwh, d.amount);
  }
  for (const h of p.capacity)
    add(
      `6.${h.direction}`,
      `cross-border capacity held ${h.direction.replace(">", "→")}`,
      h.direction,
      h.mw,
      h.cost,
    );
  const order = (code: string) => [Number(code.split(".")[0]), code] as const;
  return [...acc.entries()]
    .sort(([a], [b]) => {
      const [na, ca] = order(a);
      const [nb, cb] = order(b);
      return na - nb || ca.localeCompare(cb);
    })
    .map(([code, r]) => ({
      month: p.month,
      code,
      label: r.label,
      partner: r.partner,
      quantityMwh: formatMwh(r.q),
      amountMinor: roundToMinor(amountToDecimal(r.a), p.currency),
      currency: p.currency,
    }));
}

/** The report's column headers, in order (CSV and xlsx use the same). */
export const STATISTICS_COLUMNS = [
  "month",
  "code",
  "label",
  "partner",
  "quantity_mwh",
  "amount",
  "currency",
] as const;
