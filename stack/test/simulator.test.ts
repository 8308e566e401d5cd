// The simulator against real Postgres, broker and ingest: it backfills, then a later run with more
// households continues where the stored readings end; nothing is sent twice or rejected.
import { createIngest } from "@c4e/ingest";
import { createPool } from "@c4e/prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoFleet, seedFleet } from "../src/demo/fleet.ts";
import { LOCAL_CHAIN_ID } from "../src/dev-accounts.ts";
import { createSimulator } from "../src/simulator/simulator.ts";
import {
  createTestDatabase,
  startTestBroker,
  type TestBroker,
  type TestDatabase,
} from "../src/testing/index.ts";

const NOW = new Date("2026-06-21T12:07:00Z");

describe("meter simulator", () => {
  let db: TestDatabase;
  let broker: TestBroker;
  let pool: ReturnType<typeof createPool>;
  let ingest: ReturnType<typeof createIngest>;

  beforeAll(async () => {
    db = await createTestDatabase("simulator");
    broker = await startTestBroker();
    pool = createPool({ url: db.url });
    ingest = createIngest({
      databaseUrl: db.url,
      mqttUrl: broker.url,
      topicRoot: broker.topicRoot,
      clientId: `sim-test-${Date.now()}`,
      chain: null,
      settlementPeriodMinutes: 15,
      settlementMaxWaitSeconds: 3600,
      clockSkewSeconds: 120,
      batch: { maxMessages: 200, maxWaitMs: 50 },
      settleIntervalMs: 3_600_000,
      log: () => {},
      now: () => NOW,
    });
    await ingest.start();
  });
  afterAll(async () => {
    await ingest?.stop();
    await pool?.end();
    await broker?.stop();
    await db?.drop();
  });

  async function run(gateways: number, meters: number, backfillHours: number) {
    const fleet = demoFleet({ gateways, meters });
    await seedFleet(pool, fleet, { chainId: LOCAL_CHAIN_ID }); // no chain here: the demo's master data only
    const sim = createSimulator({
      mqttUrl: broker.url,
      topicRoot: broker.topicRoot,
      fleet,
      speed: 1_000_000,
      backfillHours,
      pool,
      log: () => {},
      now: () => NOW,
    });
    await sim.start();
    // every household reaches the last quarter hour before NOW (12:00)
    const expected = gateways * meters * 2;
    for (let i = 0; i < 200; i++) {
      const { rows } = await pool.query<{ n: string }>(
        "SELECT count(DISTINCT meter_id) AS n FROM reading WHERE at = '2026-06-21T12:00:00Z'",
      );
      if (Number(rows[0]?.n) === expected) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await sim.stop();
    await ingest.flush();
  }

  const readingsPerMeter = async () =>
    (
      await pool.query<{ meter_id: string; n: string; first: Date }>(
        "SELECT meter_id, count(*) / 2 AS n, min(at) AS first FROM reading GROUP BY meter_id ORDER BY meter_id",
      )
    ).rows.map((r) => [r.meter_id, Number(r.n), r.first.toISOString()]);

  it("backfills from the requested hours up to the present, never beyond it", async () => {
    await run(1, 1, 2);
    expect(await readingsPerMeter()).toEqual([
      ["mtr-0001-001-grid", 8, "2026-06-21T10:15:00.000Z"],
      ["mtr-0001-001-pv", 8, "2026-06-21T10:15:00.000Z"],
    ]);
    const { rows } = await pool.query("SELECT 1 FROM reading WHERE at > $1", [NOW]);
    expect(rows).toHaveLength(0);
  });

  it("continues stored households and backfills new ones without resending or rejects", async () => {
    await run(2, 2, 1);
    expect(await readingsPerMeter()).toEqual([
      ["mtr-0001-001-grid", 8, "2026-06-21T10:15:00.000Z"], // already up to date: nothing resent
      ["mtr-0001-001-pv", 8, "2026-06-21T10:15:00.000Z"],
      ["mtr-0001-002-grid", 4, "2026-06-21T11:15:00.000Z"], // new: backfilled one hour
      ["mtr-0001-002-pv", 4, "2026-06-21T11:15:00.000Z"],
      ["mtr-0002-001-grid", 4, "2026-06-21T11:15:00.000Z"],
      ["mtr-0002-001-pv", 4, "2026-06-21T11:15:00.000Z"],
      ["mtr-0002-002-grid", 4, "2026-06-21T11:15:00.000Z"],
      ["mtr-0002-002-pv", 4, "2026-06-21T11:15:00.000Z"],
    ]);
    expect((await pool.query("SELECT reason FROM rejected_input")).rows).toEqual([]);
  });
});
