import { createPool } from "@c4e/prisma";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@c4e/stack/testing/index";
import {
  detachMonth,
  ensureMonthPartitions,
  listPartitions,
  monthOf,
  partitionName,
} from "../src/partitions.ts";

describe("partition names", () => {
  it("names UTC months and refuses anything else", () => {
    expect(monthOf(new Date("2026-12-31T23:59:59Z"))).toBe("2026-12");
    expect(monthOf(new Date("2026-12-31T23:59:59Z"), 1)).toBe("2027-01");
    expect(monthOf(new Date("2026-01-01T00:00:00Z"), -1)).toBe("2025-12");
    expect(partitionName("reading", "2026-03")).toBe("reading_y2026m03");
    for (const bad of ["2026-13", "2026-3", "26-03", "2026-03; DROP TABLE reading"]) {
      expect(() => partitionName("reading", bad)).toThrow(/is not YYYY-MM/);
    }
  });
});

describe("readings and intervals partitioned by month", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase("ingest_partitions");
    pool = createPool({ url: db.url });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const insertReading = (meterId: string, at: string) =>
    pool.query(
      `INSERT INTO reading (meter_id, at, register, value_wh, gateway_id, message_id, received_at)
       VALUES ($1, $2, 'import', 1, 'gw', 'm', now())`,
      [meterId, at],
    );
  const partitionOf = async (meterId: string) =>
    (
      await pool.query<{ p: string }>(
        "SELECT tableoid::regclass::text AS p FROM reading WHERE meter_id = $1",
        [meterId],
      )
    ).rows.map((r) => r.p);

  it("creates the months ahead, moves rows that waited in the default partition, and is idempotent", async () => {
    // A back-dated reading before any month partition lands in the DEFAULT partition: nothing is refused.
    await insertReading("m-old", "2025-06-10T10:00:00Z");
    expect(await partitionOf("m-old")).toEqual(["c4e_partitions.reading_default"]);
    await pool.query(
      `INSERT INTO reading_interval (meter_id, register, start_at, end_at, energy_wh)
       VALUES ('m-old', 'import', '2025-06-10T09:45:00Z', '2025-06-10T10:00:00Z', 5)`,
    );

    const created = await ensureMonthPartitions(pool, new Date("2025-06-20T00:00:00Z"), 1);
    expect(created).toEqual([
      "reading_y2025m06",
      "reading_y2025m07",
      "reading_interval_y2025m06",
      "reading_interval_y2025m07",
    ]);
    expect(await partitionOf("m-old")).toEqual(["c4e_partitions.reading_y2025m06"]);
    expect(await ensureMonthPartitions(pool, new Date("2025-06-20T00:00:00Z"), 1)).toEqual([]);

    // The bounds are UTC months: the last millisecond of June and the first of July.
    await insertReading("m-edge", "2025-06-30T23:59:59.999Z");
    await insertReading("m-edge", "2025-07-01T00:00:00.000Z");
    expect(await partitionOf("m-edge")).toEqual([
      "c4e_partitions.reading_y2025m06",
      "c4e_partitions.reading_y2025m07",
    ]);
    const months = (await listPartitions(pool)).filter((p) => p.table === "reading").map((p) => p.month);
    expect(months).toContain("2025-06");
    expect(months).toContain(null); // the default partition
  });

  it("detaches an old month while readings keep being written", async () => {
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await insertReading("m-live", new Date(Date.UTC(2025, 6, 2, 0, written)).toISOString());
        written++;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const detached = await detachMonth(pool, "2025-06");
    writing = false;
    await writer;

    expect(detached).toEqual(["c4e_partitions.reading_y2025m06", "c4e_partitions.reading_interval_y2025m06"]);
    // June is gone from the parent, kept in the detached table; July and the live writes are untouched.
    expect(await partitionOf("m-old")).toEqual([]);
    const kept = await pool.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM c4e_partitions.reading_y2025m06 WHERE meter_id IN ('m-old', 'm-edge')",
    );
    expect(kept.rows[0]?.n).toBe("2");
    expect(await partitionOf("m-edge")).toEqual(["c4e_partitions.reading_y2025m07"]);
    expect(written).toBeGreaterThan(0);
    const live = await pool.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM reading WHERE meter_id = 'm-live'",
    );
    expect(live.rows[0]?.n).toBe(String(written));
    expect(await detachMonth(pool, "2025-06")).toEqual([]);
  });
});
