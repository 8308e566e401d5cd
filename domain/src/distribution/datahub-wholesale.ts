/**
 * DataHub wholesale calculation: the charges a grid company and the state (taxes) put on each
 * energy supplier, per grid area, from charge links, charge prices and metered energy.
 *
 * - Tariffs (per kWh): an hourly tariff (PT1H) prices each hour's energy of every linked metering
 *   point with the price point of that exact hour; a daily tariff (P1D) prices each local day's
 *   energy with the price point at that day's local midnight. No price point → price and amount
 *   are null (not zero). The link's piece count is not used for tariffs.
 * - Fees and subscriptions (P1M prices, per piece): one row per local day on which the link is in
 *   force (at the day's start), quantity = the link's pieces, price = the latest price point at or
 *   before the day's start. A fee's day price is its price; a subscription's day price is its
 *   monthly price ÷ the number of days of the calculation period (a calendar month in production).
 * - Monthly sums per supplier and charge; totals per supplier, and per supplier and charge owner,
 *   where tax charges count towards every charge owner's total of that supplier and grid area
 *   (taxes are collected by the grid company).
 *
 * Energy in integer Wh; money exact (BillingDecimal), unrounded: an invoice line is rounded once,
 * later, by billing's `roundToMinor`. Days and months are local in `calc.timeZone`
 * (Europe/Copenhagen for DataHub).
 */
import { addDays, localDateOf, localMidnightUtcMs } from "../billing/local-time.ts";
import { BillingDecimal } from "../billing/money.ts";
import {
  type ChargeKey,
  type ChargeLinkPeriod,
  type ChargePriceInformation,
  type DataHubCalculation,
  type DataHubInput,
  METERING_POINT_TYPES,
  type MeteringPointPeriod,
  type Quality,
  type SettlementMethod,
  chargeKeyOf,
} from "./datahub-input.ts";
import {
  HOUR_MS,
  QUARTER_MS,
  checkPointGrid,
  periodAt,
  pointsByMeteringPoint,
  quarterValue,
} from "./datahub-series.ts";
import { DistributionInputError } from "./errors.ts";

export type WholesaleRow = ChargeKey & {
  gridArea: string;
  energySupplierId: string;
  isTax: boolean;
  /** Start of the hour (PT1H tariffs) or of the local day (P1D tariffs, fees, subscriptions). */
  timeMs: number;
  resolution: "PT1H" | "P1D";
  meteringPointType: string;
  settlementMethod: SettlementMethod;
  /** Wh for tariffs; pieces for fees and subscriptions. */
  quantity: bigint;
  qualities: ReadonlySet<Quality>;
  /** Per kWh (tariffs) or per piece and day; null without a price point. */
  price: BillingDecimal | null;
  amount: BillingDecimal | null;
};

export type MonthlyAmount = ChargeKey & {
  gridArea: string;
  energySupplierId: string;
  isTax: boolean;
  /** Which rows it sums: hourly or daily tariffs, fees, subscriptions. */
  source: "hourly_tariff" | "daily_tariff" | "fee" | "subscription";
  timeMs: number;
  amount: BillingDecimal;
};

export type MonthlyTotal = {
  gridArea: string;
  energySupplierId: string;
  chargeOwnerId: string | null;
  timeMs: number;
  amount: BillingDecimal;
};

export type WholesaleResult = {
  hourlyTariffs: WholesaleRow[];
  dailyTariffs: WholesaleRow[];
  fees: WholesaleRow[];
  subscriptions: WholesaleRow[];
  monthlyAmounts: MonthlyAmount[];
  /** Per grid area and supplier (chargeOwnerId null). */
  totalsPerSupplier: MonthlyTotal[];
  /** Per grid area, supplier and charge owner. */
  totalsPerSupplierAndOwner: MonthlyTotal[];
};

const ZERO = new BillingDecimal(0);

/** The local days of the calculation period, each as [startMs, endMs). */
function localDays(calc: DataHubCalculation): { startMs: number; endMs: number }[] {
  const first = localDateOf(calc.startMs, calc.timeZone);
  if (localMidnightUtcMs(first, calc.timeZone) !== calc.startMs) {
    throw new DistributionInputError("period", `does not start at a local midnight in ${calc.timeZone}`);
  }
  const days: { startMs: number; endMs: number }[] = [];
  for (let d = first; localMidnightUtcMs(d, calc.timeZone) < calc.endMs; d = addDays(d, 1)) {
    const endMs = localMidnightUtcMs(addDays(d, 1), calc.timeZone);
    if (endMs > calc.endMs)
      throw new DistributionInputError("period", `does not end at a local midnight in ${calc.timeZone}`);
    days.push({ startMs: localMidnightUtcMs(d, calc.timeZone), endMs });
  }
  return days;
}

const inForce = (p: { fromMs: number; toMs: number | null }, t: number) =>
  p.fromMs <= t && (p.toMs === null || t < p.toMs);

/** Computes the wholesale results of a calculation. */
export function calculateDataHubWholesale(input: DataHubInput, calc: DataHubCalculation): WholesaleResult {
  checkPointGrid(input.meteringPointPeriods, input.timeSeriesPoints);
  const points = pointsByMeteringPoint(input.timeSeriesPoints);
  const days = localDays(calc);
  const areas = new Set(calc.gridAreas);
  const mpPeriods = groupBy(input.meteringPointPeriods, (m) => m.meteringPointId);
  const infos = groupBy(input.chargePriceInformation, chargeKeyOf);
  const infoAt = (key: string, t: number): ChargePriceInformation | undefined =>
    infos.get(key)?.find((c) => inForce(c, t));
  // Prices by charge: an exact-time index (tariffs) and a sorted list (fees, subscriptions).
  const pricesByKey = groupBy(input.chargePricePoints, chargeKeyOf);
  const exactIndex = new Map<string, Map<number, BillingDecimal>>();
  for (const [k, list] of pricesByKey) {
    list.sort((x, y) => x.timeMs - y.timeMs);
    exactIndex.set(k, new Map(list.map((p) => [p.timeMs, p.price])));
  }
  const exactPrice = (key: string, t: number) => exactIndex.get(key)?.get(t) ?? null;
  /** The latest price at or before t (binary search). */
  const latestPrice = (key: string, t: number): BillingDecimal | null => {
    const list = pricesByKey.get(key) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.timeMs <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : list[lo - 1]!.price;
  };

  /** The metering point's period at t, with the supplier taken from its parent for child points. */
  const linkedPoint = (link: ChargeLinkPeriod, t: number) => {
    const mp = periodAt(mpPeriods.get(link.meteringPointId) ?? [], t);
    if (mp === undefined || !areas.has(mp.gridArea)) return undefined;
    let supplier = mp.energySupplierId;
    if (supplier === null && mp.parentMeteringPointId !== null) {
      supplier = periodAt(mpPeriods.get(mp.parentMeteringPointId) ?? [], t)?.energySupplierId ?? null;
    }
    if (supplier === null) {
      throw new DistributionInputError(
        `metering point ${mp.meteringPointId}`,
        `has no energy supplier (nor a parent with one) at ${new Date(t).toISOString()}, but carries charge ${link.code}`,
      );
    }
    return { mp, supplier };
  };

  /** Energy and qualities of a metering point over [startMs, endMs). */
  const energy = (mp: MeteringPointPeriod, startMs: number, endMs: number) => {
    let wh = 0n;
    const qualities = new Set<Quality>();
    for (let t = startMs; t < endMs; t += QUARTER_MS) {
      const v = quarterValue(mp, points.get(mp.meteringPointId), t);
      wh += v.wh;
      qualities.add(v.quality);
    }
    return { wh, qualities };
  };

  const rows = new Map<string, WholesaleRow>();
  const addRow = (row: WholesaleRow) => {
    const k = [
      chargeKeyOf(row),
      row.gridArea,
      row.energySupplierId,
      row.timeMs,
      row.meteringPointType,
      row.settlementMethod,
    ].join("|");
    const prev = rows.get(k);
    if (prev === undefined) {
      rows.set(k, { ...row, qualities: new Set(row.qualities) });
      return;
    }
    prev.quantity += row.quantity;
    for (const q of row.qualities) (prev.qualities as Set<Quality>).add(q);
    prev.amount = prev.amount === null || row.amount === null ? null : prev.amount.plus(row.amount);
  };

  for (const link of input.chargeLinks) {
    const key = chargeKeyOf(link);
    for (const day of days) {
      const info = infoAt(key, day.startMs);
      if (info === undefined) continue;
      const slots =
        link.type === "tariff" && info.resolution === "PT1H"
          ? Array.from({ length: (day.endMs - day.startMs) / HOUR_MS }, (_, i) => ({
              startMs: day.startMs + i * HOUR_MS,
              endMs: day.startMs + (i + 1) * HOUR_MS,
            }))
          : [day];
      for (const slot of slots) {
        if (!inForce(link, slot.startMs)) continue;
        const at = linkedPoint(link, slot.startMs);
        if (at === undefined) continue;
        const common = {
          code: link.code,
          type: link.type,
          ownerId: link.ownerId,
          gridArea: at.mp.gridArea,
          energySupplierId: at.supplier,
          isTax: info.isTax,
          timeMs: slot.startMs,
          resolution: slot === day ? ("P1D" as const) : ("PT1H" as const),
          meteringPointType: METERING_POINT_TYPES[at.mp.type],
          settlementMethod: at.mp.settlementMethod,
        };
        if (link.type === "tariff") {
          const { wh, qualities } = energy(at.mp, slot.startMs, slot.endMs);
          const price = exactPrice(key, slot.startMs);
          const amount = price === null ? null : price.times(wh.toString()).div(1000);
          addRow({ ...common, quantity: wh, qualities, price, amount });
        } else {
          const monthly = latestPrice(key, slot.startMs);
          const price = monthly === null ? null : link.type === "fee" ? monthly : monthly.div(days.length);
          const amount = price === null ? null : price.times(link.quantity.toString());
          addRow({ ...common, quantity: link.quantity, qualities: new Set(), price, amount });
        }
      }
    }
  }

  const all = [...rows.values()];
  const hourlyTariffs = all.filter((r) => r.type === "tariff" && r.resolution === "PT1H");
  const dailyTariffs = all.filter((r) => r.type === "tariff" && r.resolution === "P1D");
  const fees = all.filter((r) => r.type === "fee");
  const subscriptions = all.filter((r) => r.type === "subscription");

  const monthly = new Map<string, MonthlyAmount>();
  for (const [source, list] of [
    ["hourly_tariff", hourlyTariffs],
    ["daily_tariff", dailyTariffs],
    ["fee", fees],
    ["subscription", subscriptions],
  ] as const) {
    for (const r of list) {
      const k = [source, chargeKeyOf(r), r.gridArea, r.energySupplierId].join("|");
      const m = monthly.get(k) ?? {
        code: r.code,
        type: r.type,
        ownerId: r.ownerId,
        gridArea: r.gridArea,
        energySupplierId: r.energySupplierId,
        isTax: r.isTax,
        source,
        timeMs: calc.startMs,
        amount: ZERO,
      };
      m.amount = m.amount.plus(r.amount ?? ZERO);
      monthly.set(k, m);
    }
  }
  const monthlyAmounts = [...monthly.values()];

  const sum = (
    key: (m: MonthlyAmount) => string,
    owner: (m: MonthlyAmount) => string | null,
    of: MonthlyAmount[],
  ) => {
    const out = new Map<string, MonthlyTotal>();
    for (const m of of) {
      const k = key(m);
      const t = out.get(k) ?? {
        gridArea: m.gridArea,
        energySupplierId: m.energySupplierId,
        chargeOwnerId: owner(m),
        timeMs: calc.startMs,
        amount: ZERO,
      };
      t.amount = t.amount.plus(m.amount);
      out.set(k, t);
    }
    return out;
  };
  const totalsPerSupplier = [
    ...sum(
      (m) => `${m.gridArea}|${m.energySupplierId}`,
      () => null,
      monthlyAmounts,
    ).values(),
  ];
  const taxes = sum(
    (m) => `${m.gridArea}|${m.energySupplierId}`,
    () => null,
    monthlyAmounts.filter((m) => m.isTax),
  );
  const totalsPerSupplierAndOwner = [
    ...sum(
      (m) => `${m.gridArea}|${m.energySupplierId}|${m.ownerId}`,
      (m) => m.ownerId,
      monthlyAmounts.filter((m) => !m.isTax),
    ).values(),
  ].map((t) => ({
    ...t,
    amount: t.amount.plus(taxes.get(`${t.gridArea}|${t.energySupplierId}`)?.amount ?? ZERO),
  }));

  return {
    hourlyTariffs,
    dailyTariffs,
    fees,
    subscriptions,
    monthlyAmounts,
    totalsPerSupplier,
    totalsPerSupplierAndOwner,
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}
