import type { Queryable } from "@c4e/prisma";
import type { ViewEntry } from "./meter-view.ts";
import { loadMeters, type MeterRow } from "./store-readings.ts";

/**
 * Registered meters (id → gateway, rated power) kept for `ttlMs`, as the gateway keys are
 * (verify-signature.ts): a batch loads only the meters it has not seen recently. A meter moved to
 * another gateway or re-rated takes effect after at most `ttlMs`; an unregistered meter is looked up
 * every time (it may be registered any moment).
 */
export type MeterCache = {
  load(db: Queryable, ids: readonly string[]): Promise<Map<string, MeterRow>>;
};

export function createMeterCache({
  ttlMs,
  now = Date.now,
  maxMeters = 200_000,
}: {
  ttlMs: number;
  now?: () => number;
  maxMeters?: number;
}): MeterCache {
  const cached = new Map<string, { row: MeterRow; at: number }>();
  return {
    async load(db, ids) {
      const t = now();
      const meters = new Map<string, MeterRow>();
      const missing: string[] = [];
      for (const id of ids) {
        const hit = cached.get(id);
        if (hit !== undefined && t - hit.at < ttlMs) meters.set(id, hit.row);
        else missing.push(id);
      }
      for (const [id, row] of await loadMeters(db, missing)) {
        meters.set(id, row);
        cached.delete(id);
        cached.set(id, { row, at: t });
      }
      if (cached.size > maxMeters) {
        for (const key of cached.keys()) {
          cached.delete(key);
          if (cached.size <= maxMeters) break;
        }
      }
      return meters;
    },
  };
}

/**
 * Per process: each meter's latest stored reading and its reward baseline, as this process last
 * committed or loaded them. A batch whose readings of a meter all lie after the cached latest reading
 * needs no reference lookups for that meter (previous = the cached reading, nothing stored in or after
 * its span) — provided nobody else stored a later reading meanwhile. Another ingest process on a
 * shared subscription can, so every use is verified in the batch's transaction, under the meter's lock
 * bucket (`verifyLatest`): a meter with a stored reading after the cached one loses its entry and is
 * loaded as without a cache. Only what an appended reading reads from its previous one is relied on
 * (instant, register values); its deltas and reward batch may change under other writers and are
 * never written back from here.
 */
export type LatestReadingCache = {
  get(meterId: string): CachedLatest | undefined;
  set(meterId: string, latest: CachedLatest): void;
  delete(meterId: string): void;
  clear(): void;
  readonly size: number;
};

export type CachedLatest = { readonly entry: ViewEntry; readonly baselineAt: Date };

/** At most `maxMeters` entries; beyond that the oldest entries (by insertion) are dropped. */
export function createLatestReadingCache({
  maxMeters = 200_000,
}: { maxMeters?: number } = {}): LatestReadingCache {
  const map = new Map<string, CachedLatest>();
  return {
    get: (meterId) => map.get(meterId),
    set(meterId, latest) {
      map.delete(meterId); // re-inserted last: the most recently used survive the bound
      map.set(meterId, { entry: storedCopy(latest.entry), baselineAt: latest.baselineAt });
      if (map.size > maxMeters) {
        for (const key of map.keys()) {
          map.delete(key);
          if (map.size <= maxMeters) break;
        }
      }
    },
    delete: (meterId) => void map.delete(meterId),
    clear: () => map.clear(),
    get size() {
      return map.size;
    },
  };
}

/** A fresh `stored` entry with the same values (a view mutates its entries). */
export function storedCopy(entry: ViewEntry): ViewEntry {
  return {
    at: entry.at,
    importWh: entry.importWh,
    exportWh: entry.exportWh,
    importDeltaWh: entry.importDeltaWh,
    exportDeltaWh: entry.exportDeltaWh,
    exportRewardBatchId: entry.exportRewardBatchId,
    exportRewardEligible: entry.exportRewardEligible,
    origin: "stored",
    deltaChanged: false,
  };
}

/**
 * Of `latest` (meter → the instant of its cached latest reading), the meters that have a stored reading
 * after that instant: one index probe per meter (partitions before the instant pruned at run time).
 */
export async function newerReadingsThan(
  db: Queryable,
  latest: ReadonlyMap<string, Date>,
): Promise<Set<string>> {
  if (latest.size === 0) return new Set();
  const { rows } = await db.query<{ meter_id: string }>(
    `SELECT s.meter_id FROM unnest($1::text[], $2::timestamptz[]) AS s(meter_id, at)
      WHERE EXISTS (SELECT 1 FROM reading r WHERE r.meter_id = s.meter_id AND r.at > s.at)`,
    [[...latest.keys()], [...latest.values()].map((d) => d.toISOString())],
  );
  return new Set(rows.map((r) => r.meter_id));
}
