// The per-process cache of each meter's latest reading (latest-readings.ts) skips the reference lookups
// for appended readings, and stays exact when another process (its own cache, a shared subscription)
// stores readings of the same meter in between: the deltas equal those of a run without any cache.
import { createPool } from "@c4e/prisma";
import { createTestDatabase, type TestDatabase } from "@c4e/stack/testing/index";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLatestReadingCache,
  createMeterCache,
  type LatestReadingCache,
} from "../src/latest-readings.ts";
import { processBatch, type ProcessBatchDeps, type ReceivedMessage } from "../src/process-batch.ts";
import { createGatewayKeyCache } from "../src/verify-signature.ts";
import { type Fixture, insertFixture, query, signedMessage, testClock } from "./fixtures.ts";

describe("ingest: the latest-reading cache", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let fixture: Fixture;
  const clock = testClock("2026-11-03T12:00:00Z");
  const topicRoot = "c4e/v1";

  beforeAll(async () => {
    db = await createTestDatabase("ingest_latest");
    pool = createPool({ url: db.url });
    fixture = await insertFixture(db.url, {
      customers: [{ id: "c-1" }],
      gateways: [{ id: "gw-1" }],
      meters: ["m-a", "m-b", "m-c", "m-d"].map((id) => ({ id, gatewayId: "gw-1", customerId: "c-1" })),
    });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const deps = (latestReadings?: LatestReadingCache): ProcessBatchDeps => ({
    pool,
    gatewayKeys: createGatewayKeyCache({ pool, ttlMs: 60_000, now: clock.now }),
    topicRoot,
    clockSkewMs: 300_000,
    rewardMaxGapMinutes: 60,
    log: () => {},
    ...(latestReadings === undefined ? {} : { latestReadings }),
  });
  /** Reading `step` of `meterId`: 15 min apart from 2026-11-03T00:00Z, import 100 Wh and export 40 Wh per step. */
  const msg = (id: string, meterId: string, steps: number[]): ReceivedMessage => {
    const key = fixture.gateways["gw-1"]?.privateKey;
    if (!key) throw new Error("no key");
    const readings = steps.map((s) => ({
      meterId,
      at: new Date(Date.parse("2026-11-03T00:00:00Z") + s * 900_000).toISOString(),
      importWh: 100 * s,
      exportWh: 40 * s,
    }));
    return {
      topic: `${topicRoot}/gateways/gw-1/readings`,
      payload: Buffer.from(signedMessage({ gatewayId: "gw-1", messageId: id, readings }, key)),
      receivedAt: clock.now(),
    };
  };
  const deltas = (meterId: string) =>
    query<{ at: Date; register: string; delta_wh: string | null }>(
      db.url,
      "SELECT at, register, delta_wh::text FROM reading WHERE meter_id = $1 ORDER BY at, register",
      [meterId],
    ).then((rows) => rows.map((r) => `${r.at.toISOString().slice(11, 16)} ${r.register} ${r.delta_wh}`));

  it("two processes with their own caches store the same deltas as one without a cache", async () => {
    const a = createLatestReadingCache();
    const b = createLatestReadingCache();
    // The same arrivals for m-a (two caches, alternating) and m-b (no cache at all).
    const plan: [LatestReadingCache | undefined, string, number[]][] = [
      [a, "1", [1, 2]], // A caches step 2
      [b, "2", [3]], // B stores step 3 behind A's back
      [a, "3", [4]], // A's cache says step 2 is the latest: its probe must see step 3
      [b, "4", [6]], // B: its cache (step 3) is stale, step 4 was stored by A
      [a, "5", [5]], // a late reading between two stored ones: no cache applies
      [a, "6", [7, 8]],
    ];
    for (const [cache, id, steps] of plan) {
      expect((await processBatch(deps(cache), [msg(`a-${id}`, "m-a", steps)])).acceptedReadings).toBe(
        steps.length,
      );
      expect((await processBatch(deps(), [msg(`b-${id}`, "m-b", steps)])).acceptedReadings).toBe(
        steps.length,
      );
    }
    const withCaches = await deltas("m-a");
    expect(withCaches).toEqual(await deltas("m-b"));
    // every delta is one step's growth (the first reading has none)
    expect(withCaches.slice(0, 4)).toEqual([
      "00:15 export null",
      "00:15 import null",
      "00:30 export 40",
      "00:30 import 100",
    ]);
    expect(withCaches.filter((d) => d.endsWith(" 40") || d.endsWith(" 100"))).toHaveLength(14);
    expect(a.get("m-a")?.entry.at.toISOString()).toBe("2026-11-03T02:00:00.000Z");
  });

  it("uses the cache for appended readings and still refuses a reading that goes backwards", async () => {
    const cache = createLatestReadingCache();
    await processBatch(deps(cache), [msg("c-1", "m-c", [1, 2])]);
    expect(cache.get("m-c")?.entry.importWh).toBe(200n);
    // cached previous reading: step 2 (200 Wh); a reading at step 3 with a lower register is refused
    const key = fixture.gateways["gw-1"]?.privateKey;
    if (!key) throw new Error("no key");
    const backwards: ReceivedMessage = {
      topic: `${topicRoot}/gateways/gw-1/readings`,
      payload: Buffer.from(
        signedMessage(
          {
            gatewayId: "gw-1",
            messageId: "c-2",
            readings: [{ meterId: "m-c", at: "2026-11-03T00:45:00Z", importWh: 150, exportWh: 80 }],
          },
          key,
        ),
      ),
      receivedAt: clock.now(),
    };
    const result = await processBatch(deps(cache), [backwards]);
    expect(result.acceptedReadings).toBe(0);
    expect(result.rejected).toBe(1);
    const next = await processBatch(deps(cache), [msg("c-3", "m-c", [3])]);
    expect(next.acceptedReadings).toBe(1);
    expect(await deltas("m-c")).toEqual([
      "00:15 export null",
      "00:15 import null",
      "00:30 export 40",
      "00:30 import 100",
      "00:45 export 40",
      "00:45 import 100",
    ]);
  });

  it("keeps registered meters for its TTL, then loads them again", async () => {
    let clockMs = 0;
    const meters = createMeterCache({ ttlMs: 60_000, now: () => clockMs });
    const withMeters: ProcessBatchDeps = { ...deps(), meters };
    // step 1 loads m-d (rated 11 kW by the fixture) into the cache
    expect((await processBatch(withMeters, [msg("d-1", "m-d", [1])])).acceptedReadings).toBe(1);
    // re-rated to 100 W: 400 W in the next step (100 Wh per 15 min) exceeds it
    await pool.query("UPDATE meter SET rated_power_w = 100 WHERE id = 'm-d'");
    clockMs = 59_000; // within the TTL: the cached rating still applies
    expect((await processBatch(withMeters, [msg("d-2", "m-d", [2])])).acceptedReadings).toBe(1);
    clockMs = 120_000; // past it: the new rating is loaded and refuses step 3
    const refused = await processBatch(withMeters, [msg("d-3", "m-d", [3])]);
    expect(refused.acceptedReadings).toBe(0);
    expect(refused.rejectedByReason).toEqual({ power_exceeds_rating: 1 });
  });
});
