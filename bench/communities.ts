// Community billing at scale (issue 16): a quarter (Q1 2026, Europe/Zurich, 8,636 quarter hours) for
// N communities × U units, each unit with 6 meters (apartment, heat pump share … as consumers), one
// plant per community, a shared common meter, and a tenant change in every fifth unit. Measures the
// domain work of a billing run (Wh as safe-integer numbers, the bulk form of RegisterSeries): the per-quarter-hour split, the day sums per unit, the occupancy
// segments and one invoice per occupant. Data is synthesised per community before its timer starts.
//
//   npx tsx bench/communities.ts [--communities 1000] [--units 20] [--meters-per-unit 6] [--workers 2]
// With --workers N the communities are billed by N worker threads (community c by worker c mod N):
// communities are independent, as a billing run's jobs would be.
import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import {
  type CommunitySetup,
  computeCommunityPeriod,
  type MeterSeries,
  occupancySegments,
  periodGrid,
  residentInvoice,
  segmentEnergy,
  solarPrice,
} from "@c4e/domain/community";

const arg = (name: string, fallback: number) => {
  const given = (workerData as { args?: Record<string, number> } | null)?.args?.[name];
  if (given !== undefined) return given;
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const WORKERS = arg("workers", 1);
const WORKER = (workerData as { worker?: number } | null)?.worker ?? 0;
const COMMUNITIES = arg("communities", 1000);
const UNITS = arg("units", 20);
const METERS_PER_UNIT = arg("meters-per-unit", 6);
const TZ = "Europe/Zurich";
const PERIOD = { start: "2026-01-01", end: "2026-04-01" };

const grid = periodGrid(PERIOD, TZ);
const n = grid.startsMs.length;
const price = solarPrice({ kind: "fixed", pricePerKwh: "0.2" }, "0.3", { rule: "half_saving" });

/** A small deterministic generator (xorshift), so every run bills the same data. */
function rng(seed: number) {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function community(seed: number) {
  const r = rng(seed);
  const units = Array.from({ length: UNITS }, (_, u) => ({
    id: `u${u}`,
    commonWeight: String(50 + Math.floor(r() * 70)),
  }));
  const consumers: CommunitySetup["consumers"][number][] = [];
  const series = new Map<string, MeterSeries>();
  const hourOf = (k: number) => Math.floor((k % 96) / 4);
  const sun = Array.from({ length: n }, (_, k) => {
    const h = hourOf(k);
    return h >= 7 && h < 18 ? Math.floor(r() * 4000 * Math.sin(((h - 7) / 11) * Math.PI)) : 0;
  });
  series.set("pv", { export: sun });
  for (const u of units)
    for (let m = 0; m < METERS_PER_UNIT; m++) {
      const id = `${u.id}-m${m}`;
      consumers.push({ meterId: id, role: m === 0 ? "apartment" : "ev_charger", unitId: u.id });
      series.set(id, { import: Array.from({ length: n }, () => Math.floor(r() * 60)) });
    }
  consumers.push({ meterId: "common", role: "common", unitId: null });
  series.set("common", { import: Array.from({ length: n }, () => Math.floor(r() * 200)) });
  const setup: CommunitySetup = { plants: [{ meterId: "pv", ownerId: "owner" }], consumers, units };
  const tenancies = units.flatMap((u, k) =>
    k % 5 === 0
      ? [
          { id: `${u.id}-t1`, unitId: u.id, tenantId: "a", from: "2025-01-01", to: "2026-02-15" },
          { id: `${u.id}-t2`, unitId: u.id, tenantId: "b", from: "2026-02-20", to: null },
        ]
      : [{ id: `${u.id}-t`, unitId: u.id, tenantId: "c", from: "2025-01-01", to: null }],
  );
  return { setup, series, tenancies, units };
}

/** Bills the communities c ≡ worker (mod workers); returns the billing time and totals. */
function billShare(worker: number, workers: number) {
  let computeMs = 0;
  let invoices = 0;
  let totalMinor = 0n;
  for (let c = worker; c < COMMUNITIES; c += workers) {
    const data = community(c + 1);
    const t0 = performance.now();
    const p = computeCommunityPeriod({ setup: data.setup, grid, series: data.series });
    const segments = occupancySegments(
      PERIOD,
      data.units.map((u) => u.id),
      data.tenancies,
    );
    for (const segment of segments) {
      const { invoice } = residentInvoice({
        currency: "CHF",
        timeZone: TZ,
        period: PERIOD,
        segment,
        energy: segmentEnergy(p.unitDays.get(segment.unitId)!, PERIOD, segment),
        solarPrice: price,
        gridPricesPerKwh: { all: "0.3" },
        fees: [{ code: "meter", description: "Metering", per: "month", price: "6" }],
        vatRate: "8.1",
        language: "de",
      });
      invoices++;
      totalMinor += invoice.totalMinor;
    }
    computeMs += performance.now() - t0;
    if (worker === 0 && ((c / workers) | 0) % 100 === 99)
      console.error(`${c + 1} communities, ${(computeMs / 1000).toFixed(1)} s billing (worker 0)`);
  }
  return { computeMs, invoices, totalMinor: totalMinor.toString() };
}

if (!isMainThread) {
  parentPort!.postMessage(billShare(WORKER, WORKERS));
} else {
  const started = performance.now();
  const shares =
    WORKERS <= 1
      ? [billShare(0, 1)]
      : await Promise.all(
          Array.from(
            { length: WORKERS },
            (_, w) =>
              new Promise<ReturnType<typeof billShare>>((resolve, reject) => {
                // tsx's loader is registered inside the worker (Node 20 workers do not inherit it)
                const worker = new Worker(
                  `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(import.meta.url)}); });`,
                  {
                    eval: true,
                    workerData: {
                      worker: w,
                      args: {
                        communities: COMMUNITIES,
                        units: UNITS,
                        "meters-per-unit": METERS_PER_UNIT,
                        workers: WORKERS,
                      },
                    },
                  },
                );
                worker.once("message", resolve);
                worker.once("error", reject);
              }),
          ),
        );
  console.log(
    JSON.stringify({
      communities: COMMUNITIES,
      units: UNITS,
      metersPerUnit: METERS_PER_UNIT,
      workers: WORKERS,
      quarterHours: n,
      meterQuarterHours: COMMUNITIES * (UNITS * METERS_PER_UNIT + 2) * n,
      invoices: shares.reduce((s, x) => s + x.invoices, 0),
      totalMinor: shares.reduce((s, x) => s + BigInt(x.totalMinor), 0n).toString(),
      /** billing time summed over the workers (CPU seconds of the billing work) */
      billingSeconds: Number((shares.reduce((s, x) => s + x.computeMs, 0) / 1000).toFixed(2)),
      /** wall time including the synthetic data generation */
      wallSeconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      peakRssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
    }),
  );
}
