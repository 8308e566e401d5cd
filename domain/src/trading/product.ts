/**
 * Products and their expansion to an hourly (or quarter-hourly) shape in the delivery zone's time
 * zone. A shape is a quantity in exact 0.0001 MWh units per interval of the delivery grid.
 *
 * Standard products (wall-clock local time, DST-aware):
 * - base: every interval of every day (a 31-day month with the spring change has 743 hours, with the
 *   autumn change 745);
 * - peak: Monday–Friday 08:00–20:00 (EEX/EPEX definition, configurable per product as a block);
 * - off-peak: every interval that is not peak (weekday nights and whole weekends);
 * - block: given weekdays and a local hour window [fromHour, toHour), e.g. a "morning block" 06–10;
 * - profile: a custom quantity per interval (imported from CSV/xlsx), must lie on the grid.
 */
import { TradingInputError } from "./errors.ts";
import { type DeliveryGrid, type Resolution, deliveryGrid } from "./delivery-grid.ts";
import { type Mwh4, formatMwh, parseMwh, splitEvenly } from "./mwh.ts";
import { type Tenor, tenorPeriod } from "./tenor.ts";

export type Product =
  | { kind: "base" }
  | { kind: "peak" }
  | { kind: "offpeak" }
  /** weekdays 0 = Sunday … 6 = Saturday; local hours [fromHour, toHour) */
  | { kind: "block"; days: number[]; fromHour: number; toHour: number }
  /** the custom quantity per interval: UTC ISO instant → MWh text */
  | { kind: "profile"; points: { start: string; mwh: string }[] };

/**
 * How much: a constant power in MW for every delivered interval (energy per interval = MW ×
 * interval length), or a total energy spread evenly over the delivered intervals (the remainder in
 * 0.0001 MWh units goes to the first intervals, so the shape sums exactly to the total). A profile
 * product carries its own quantities and takes `{ kind: "profile" }`.
 */
export type Quantity =
  { kind: "power"; mw: string } | { kind: "energy"; totalMwh: string } | { kind: "profile" };

export type ExpandParams = {
  product: Product;
  tenor: Tenor;
  quantity: Quantity;
  timeZone: string;
  resolutionMinutes: Resolution;
};

/** A delivered quantity per interval: parallel arrays in time order, only delivered intervals. */
export type Shape = {
  resolutionMinutes: Resolution;
  startMs: number[];
  mwh: Mwh4[];
};

const PEAK_FROM_HOUR = 8;
const PEAK_TO_HOUR = 20;

function isPeak(weekday: number, minute: number): boolean {
  return weekday >= 1 && weekday <= 5 && minute >= PEAK_FROM_HOUR * 60 && minute < PEAK_TO_HOUR * 60;
}

/** Whether the product delivers in interval `i` of the grid (profile: decided by its points). */
function delivers(product: Product, grid: DeliveryGrid, i: number): boolean {
  const weekday = grid.weekday[i] as number;
  const minute = grid.localMinute[i] as number;
  switch (product.kind) {
    case "base":
    case "profile":
      return true;
    case "peak":
      return isPeak(weekday, minute);
    case "offpeak":
      return !isPeak(weekday, minute);
    case "block":
      return (
        product.days.includes(weekday) && minute >= product.fromHour * 60 && minute < product.toHour * 60
      );
  }
}

function checkBlock(product: Product, path: string): void {
  if (product.kind !== "block") return;
  if (product.days.length === 0 || product.days.some((d) => !Number.isInteger(d) || d < 0 || d > 6))
    throw new TradingInputError(`${path}.days`, `weekdays 0 (Sunday) … 6 (Saturday) expected`);
  const ok = (h: number) => Number.isInteger(h) && h >= 0 && h <= 24;
  if (!ok(product.fromHour) || !ok(product.toHour) || product.fromHour >= product.toHour)
    throw new TradingInputError(path, `hours 0 ≤ fromHour < toHour ≤ 24 expected`);
}

/**
 * Expands a product over its tenor into the delivered intervals. Throws TradingInputError naming
 * the field for a bad product, quantity or profile point.
 * @example expandProduct({ product: { kind: "base" }, tenor: { kind: "month", month: "2026-10" },
 *   quantity: { kind: "power", mw: "1" }, timeZone: "Europe/Brussels", resolutionMinutes: 60 })
 *   // 745 hours of 1.0000 MWh
 */
export function expandProduct(p: ExpandParams, path = "contract"): Shape {
  checkBlock(p.product, `${path}.product`);
  const grid = deliveryGrid(tenorPeriod(p.tenor, `${path}.tenor`), p.timeZone, p.resolutionMinutes);
  if (p.product.kind === "profile") return expandProfile(p.product.points, grid, `${path}.product.points`);
  if (p.quantity.kind === "profile")
    throw new TradingInputError(`${path}.quantity`, `a profile quantity needs a profile product`);
  const startMs: number[] = [];
  for (let i = 0; i < grid.startMs.length; i++)
    if (delivers(p.product, grid, i)) startMs.push(grid.startMs[i] as number);
  if (startMs.length === 0)
    throw new TradingInputError(`${path}.product`, `delivers in no interval of the tenor`);
  let mwh: Mwh4[];
  if (p.quantity.kind === "power") {
    const mwUnits = parseMwh(p.quantity.mw, `${path}.quantity.mw`);
    const perInterval = mwUnits * BigInt(p.resolutionMinutes);
    if (perInterval % 60n !== 0n)
      throw new TradingInputError(
        `${path}.quantity.mw`,
        `${formatMwh(mwUnits)} MW × ${p.resolutionMinutes} min is not a whole 0.0001 MWh`,
      );
    mwh = new Array<Mwh4>(startMs.length).fill(perInterval / 60n);
  } else {
    mwh = splitEvenly(parseMwh(p.quantity.totalMwh, `${path}.quantity.totalMwh`), startMs.length);
  }
  return { resolutionMinutes: p.resolutionMinutes, startMs, mwh };
}

function expandProfile(points: { start: string; mwh: string }[], grid: DeliveryGrid, path: string): Shape {
  const index = new Map<number, number>();
  grid.startMs.forEach((t, i) => index.set(t, i));
  const byInterval = new Map<number, Mwh4>();
  points.forEach((pt, n) => {
    const ms = Date.parse(pt.start);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(pt.start) || Number.isNaN(ms))
      throw new TradingInputError(
        `${path}[${n}].start`,
        `an ISO 8601 instant expected (got ${JSON.stringify(pt.start)})`,
      );
    if (!index.has(ms))
      throw new TradingInputError(
        `${path}[${n}].start`,
        `${pt.start} is not a ${grid.resolutionMinutes}-minute interval of the tenor`,
      );
    if (byInterval.has(ms)) throw new TradingInputError(`${path}[${n}].start`, `${pt.start} given twice`);
    byInterval.set(ms, parseMwh(pt.mwh, `${path}[${n}].mwh`));
  });
  const startMs = [...byInterval.keys()].sort((a, b) => a - b);
  return {
    resolutionMinutes: grid.resolutionMinutes,
    startMs,
    mwh: startMs.map((t) => byInterval.get(t) as Mwh4),
  };
}

/** The shape's total energy. */
export function shapeTotal(shape: Shape): Mwh4 {
  let s = 0n;
  for (const q of shape.mwh) s += q;
  return s;
}

/** Number of delivered hours in the shape (quarter hours count ¼). */
export function shapeHours(shape: Shape): number {
  return (shape.startMs.length * shape.resolutionMinutes) / 60;
}

/** Sums a quarter-hour shape to hours (a 60-minute shape is returned as is). */
export function toHourly(shape: Shape): Shape {
  if (shape.resolutionMinutes === 60) return shape;
  const startMs: number[] = [];
  const mwh: Mwh4[] = [];
  for (let i = 0; i < shape.startMs.length; i++) {
    const t = shape.startMs[i] as number;
    const hour = t - (t % 3_600_000);
    if (startMs.at(-1) === hour) mwh[mwh.length - 1] = (mwh.at(-1) as Mwh4) + (shape.mwh[i] as Mwh4);
    else {
      startMs.push(hour);
      mwh.push(shape.mwh[i] as Mwh4);
    }
  }
  return { resolutionMinutes: 60, startMs, mwh };
}
