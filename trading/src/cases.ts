// Worked trading cases (trading/cases/NN-name/case.json → expected.json, arithmetic in README.md): a
// case is pure input to the domain, run here without a database, so a reader can check every figure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CurrencyCode } from "@c4e/domain";
import { localMidnightUtcMs, roundToMinor } from "@c4e/domain";
import {
  type ContractPrice,
  type MarketPrices,
  type Product,
  type Quantity,
  type Tenor,
  amountToDecimal,
  consolidateInvoices,
  dailyPosition,
  deliveryNotes,
  expandProduct,
  formatAmount,
  formatMwh,
  intervalPrices,
  matchBook,
  openPosition,
  parseMwh,
  parsePrice,
  priceTypeOf,
  shapeHours,
  shapeTotal,
  tenorPeriod,
} from "@c4e/domain/trading";

type CaseContract = {
  number: string;
  product: Product;
  tenor: Tenor;
  quantity: Quantity;
  price: ContractPrice;
  counterparty?: string;
  vatRate?: string;
};

export type TradingCase =
  | {
      kind: "contract";
      timeZone: string;
      resolutionMinutes: 15 | 60;
      currency: CurrencyCode;
      contract: CaseContract;
      /** day-ahead prices per MWh by UTC instant (indexed contracts) */
      market?: Record<string, string>;
    }
  | {
      kind: "invoice";
      timeZone: string;
      currency: CurrencyCode;
      period: { start: string; end: string };
      contracts: CaseContract[];
    }
  | {
      kind: "matching";
      method: "fifo" | "best_price";
      legs: {
        dealId: string;
        side: "buy" | "sell";
        start: string;
        mwh: string;
        pricePerMwh: string;
        order: number;
      }[];
    }
  | {
      kind: "position";
      timeZone: string;
      date: string;
      demandMwhPerHour: string;
      sales: CaseContract[];
      purchases: CaseContract[];
      market: Record<string, string>;
    };

function market(m: Record<string, string> | undefined): MarketPrices | undefined {
  if (m === undefined) return undefined;
  return new Map(Object.entries(m).map(([k, v]) => [Date.parse(k), parsePrice(v, `market["${k}"]`)]));
}

/** Runs one case; the result is compared with expected.json. */
export function runTradingCase(c: TradingCase): unknown {
  switch (c.kind) {
    case "contract": {
      const shape = expandProduct({
        ...c.contract,
        timeZone: c.timeZone,
        resolutionMinutes: c.resolutionMinutes,
      });
      const prices = intervalPrices(shape, c.contract.price, market(c.market));
      const amount = shape.mwh.reduce((s, q, i) => s + q * (prices[i] as bigint), 0n);
      return {
        intervals: shape.startMs.length,
        hours: shapeHours(shape),
        first: new Date(shape.startMs[0] as number).toISOString(),
        last: new Date(shape.startMs.at(-1) as number).toISOString(),
        energyMwh: formatMwh(shapeTotal(shape)),
        amount: formatAmount(amount),
        amountMinor: roundToMinor(amountToDecimal(amount), c.currency).toString(),
      };
    }
    case "invoice": {
      const notes = c.contracts.flatMap((k) => {
        const shape = expandProduct({ ...k, timeZone: c.timeZone, resolutionMinutes: 60 });
        return deliveryNotes({
          contractId: k.number,
          shape,
          prices: intervalPrices(shape, k.price),
          schedule: "monthly",
          period: tenorPeriod(k.tenor),
          timeZone: c.timeZone,
        }).map((n) => ({
          ...n,
          reference: `DN-${k.number}`,
          contractNumber: k.number,
          counterpartyId: k.counterparty ?? "cp",
          currency: c.currency,
          priceType: priceTypeOf(k.price),
          vatRate: k.vatRate ?? "0",
        }));
      });
      return consolidateInvoices(notes, c.period, c.timeZone).map((i) => ({
        counterparty: i.counterpartyId,
        priceType: i.priceType,
        lines: i.invoice.lines.map((l) => ({
          note: (l.breakdown as { note: string }).note,
          quantityMwh: (l.breakdown as { quantityMwh: string }).quantityMwh,
          precise: l.preciseAmount,
          amountMinor: l.amountMinor.toString(),
        })),
        netMinor: i.invoice.netMinor.toString(),
        vatMinor: i.invoice.vatMinor.toString(),
        totalMinor: i.invoice.totalMinor.toString(),
      }));
    }
    case "matching": {
      const r = matchBook(
        c.legs.map((l) => ({
          dealId: l.dealId,
          side: l.side,
          startMs: Date.parse(l.start),
          mwh: parseMwh(l.mwh),
          price: parsePrice(l.pricePerMwh),
          order: l.order,
        })),
        [],
        c.method,
      );
      return {
        matches: r.matches.map((m) => ({
          purchase: m.purchaseId,
          sale: m.saleId,
          start: new Date(m.startMs).toISOString(),
          mwh: formatMwh(m.mwh),
          profit: formatAmount(m.profit),
        })),
        rest: r.rest.map((x) => ({
          deal: x.dealId,
          start: new Date(x.startMs).toISOString(),
          mwh: formatMwh(x.mwh),
        })),
        profitByDeal: Object.fromEntries([...r.profitByDeal].map(([k, v]) => [k, formatAmount(v)])),
        profitByHour: Object.fromEntries(
          [...r.profitByHour].map(([k, v]) => [new Date(k).toISOString(), formatAmount(v)]),
        ),
      };
    }
    case "position": {
      const expand = (k: CaseContract) =>
        expandProduct({ ...k, timeZone: c.timeZone, resolutionMinutes: 60 });
      const fromMs = localMidnightUtcMs(c.date, c.timeZone);
      const day = expandProduct({
        product: { kind: "base" },
        tenor: { kind: "day", date: c.date },
        quantity: { kind: "power", mw: c.demandMwhPerHour },
        timeZone: c.timeZone,
        resolutionMinutes: 60,
      });
      const rows = openPosition({
        demand: new Map(day.startMs.map((t, i) => [t, day.mwh[i] as bigint])),
        sales: c.sales.map(expand),
        purchases: c.purchases.map(expand),
        market: market(c.market),
        fromMs,
        toMs: fromMs + 2 * 86_400_000,
      });
      return {
        hours: rows.map((r) => ({
          start: new Date(r.startMs).toISOString(),
          openMwh: formatMwh(r.openMwh),
          markToMarket: r.markToMarket === undefined ? null : formatAmount(r.markToMarket),
        })),
        days: dailyPosition(rows, c.timeZone).map((d) => ({
          date: d.date,
          demandMwh: formatMwh(d.demandMwh),
          salesMwh: formatMwh(d.salesMwh),
          purchasesMwh: formatMwh(d.purchasesMwh),
          openMwh: formatMwh(d.openMwh),
          markToMarket: formatAmount(d.markToMarket),
        })),
      };
    }
  }
}

/** Reads and runs the case in `dir`: { actual, expected }. */
export function runCaseDir(dir: string): { actual: unknown; expected: unknown } {
  const c = JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) as TradingCase;
  const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as unknown;
  return { actual: JSON.parse(JSON.stringify(runTradingCase(c))) as unknown, expected };
}
