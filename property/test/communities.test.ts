// Community use cases against a real database: master data scoped by tenant, a month previewed and
// issued through billing's invoice store (numbers, PDF), missing data held and refused, tenancies
// split, EV CSV import, exports.
import { localMidnightUtcMs } from "@c4e/domain";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCommunityRun, issueCommunityRun, previewCommunityRun } from "../src/community/billing-run.ts";
import {
  addUnit,
  assignMeter,
  createCommunity,
  getCommunity,
  listMeters,
  moveIn,
  moveOut,
} from "../src/community/communities.ts";
import { CommunityError } from "../src/community/errors.ts";
import {
  addMeters,
  BASE_COMMUNITY,
  type CommunityTestDb,
  createCommunityTestDb,
  fillIntervals,
  MANAGER,
  OTHER_TENANT,
} from "./community-fixtures.ts";

let t: CommunityTestDb;
let pool: pg.Pool;
const TZ = "Europe/Zurich";
const JAN = { start: localMidnightUtcMs("2026-01-01", TZ), end: localMidnightUtcMs("2026-02-01", TZ) };

beforeAll(async () => {
  t = await createCommunityTestDb("property_community");
  pool = t.pool;
  await addMeters(pool, ["pv-1", "a-1", "b-1", "stairs-1", "grid-1"]);
  await createCommunity(pool, MANAGER, BASE_COMMUNITY);
  const a = await addUnit(pool, MANAGER, { communityId: "rosenweg", name: "A", areaM2: "60" });
  const b = await addUnit(pool, MANAGER, { communityId: "rosenweg", name: "B", areaM2: "40" });
  await assignMeter(pool, MANAGER, {
    communityId: "rosenweg",
    meterId: "pv-1",
    role: "plant",
    plantOwner: "Anna",
  });
  await assignMeter(pool, MANAGER, {
    communityId: "rosenweg",
    meterId: "a-1",
    role: "apartment",
    unitId: a.id,
  });
  await assignMeter(pool, MANAGER, {
    communityId: "rosenweg",
    meterId: "b-1",
    role: "apartment",
    unitId: b.id,
  });
  await assignMeter(pool, MANAGER, { communityId: "rosenweg", meterId: "stairs-1", role: "common" });
  // Every quarter hour of January: pv 100 Wh, A 80 Wh, B 40 Wh, stairs 30 Wh (150 consumed, 100 solar)
  await fillIntervals(pool, {
    meterId: "pv-1",
    register: "export",
    ...JAN,
    endMs: JAN.end,
    startMs: JAN.start,
    wh: () => 100,
  });
  await fillIntervals(pool, {
    meterId: "a-1",
    register: "import",
    startMs: JAN.start,
    endMs: JAN.end,
    wh: () => 80,
  });
  await fillIntervals(pool, {
    meterId: "b-1",
    register: "import",
    startMs: JAN.start,
    endMs: JAN.end,
    wh: () => 40,
  });
  await fillIntervals(pool, {
    meterId: "stairs-1",
    register: "import",
    startMs: JAN.start,
    endMs: JAN.end,
    wh: () => 30,
  });
  await moveIn(pool, MANAGER, {
    communityId: "rosenweg",
    unitId: a.id,
    name: "Ben Mieter",
    moveIn: "2025-06-01",
    language: "de",
  });
  const carla = await moveIn(pool, MANAGER, {
    communityId: "rosenweg",
    unitId: b.id,
    name: "Carla Locataire",
    moveIn: "2025-01-01",
    language: "fr",
  });
  await moveOut(pool, MANAGER, { tenancyId: carla.id, moveOut: "2026-01-16" });
});
afterAll(async () => t?.close());

describe("community master data", () => {
  it("another tenant sees no community, and bad input names the field", async () => {
    await expect(getCommunity(pool, { retailerId: OTHER_TENANT }, "rosenweg")).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      createCommunity(pool, MANAGER, { ...BASE_COMMUNITY, id: "x2", currency: "XXX" }),
    ).rejects.toThrow("currency");
    await expect(
      createCommunity(pool, MANAGER, { ...BASE_COMMUNITY, id: "x3", timeZone: "Mars/Base" }),
    ).rejects.toThrow("timeZone");
    await expect(
      assignMeter(pool, MANAGER, {
        communityId: "rosenweg",
        meterId: "nope",
        role: "apartment",
        unitId: "rosenweg-a",
      }),
    ).rejects.toThrow("meterId: no meter nope");
    await expect(
      assignMeter(pool, MANAGER, { communityId: "rosenweg", meterId: "a-1", role: "common" }),
    ).rejects.toThrow("already has a community role");
  });

  it("refuses an overlapping tenancy", async () => {
    await expect(
      moveIn(pool, MANAGER, {
        communityId: "rosenweg",
        unitId: "rosenweg-a",
        name: "Dora",
        moveIn: "2026-01-10",
      }),
    ).rejects.toThrow(/overlaps the tenancy of Ben Mieter/);
  });

  it("lists meters with their last reading", async () => {
    const meters = await listMeters(pool, MANAGER, "rosenweg", new Date("2026-02-01T00:00:00Z"));
    expect(meters.find((m) => m.meterId === "a-1")).toMatchObject({
      role: "apartment",
      lastIntervalEnd: "2026-01-31T23:00:00.000Z",
      intervalsLast7Days: 7 * 96 - 4, // from 2026-01-25T00:00Z to the end of January (23:00Z)
    });
  });
});

describe("a month billed through billing's invoice store", () => {
  it("previews one bill per occupant and issues them with gapless numbers", async () => {
    const run = await previewCommunityRun(pool, MANAGER, { communityId: "rosenweg", start: "2026-01-01" });
    expect(run.summary.complete).toBe(true);
    // January in Zurich: 31 × 96 = 2976 quarter hours. Per quarter hour 100 solar over 150 consumed:
    // A 80 → 53.33, B 40 → 26.67, stairs 30 → 20 (largest remainder per interval: 54/27/20 or 53/27/20 …)
    expect(run.summary.expectedIntervals).toBe(2976);
    expect(run.summary.productionWh).toBe(String(2976 * 100));
    expect(run.summary.consumptionWh).toBe(String(2976 * 150));
    expect(run.summary.selfSufficiencyPercent).toBe("66.7");
    expect(run.items.map((i) => [i.unitName, i.occupantName, i.segmentStart, i.segmentEnd])).toEqual([
      ["A", "Ben Mieter", "2026-01-01", "2026-02-01"],
      ["B", "Carla Locataire", "2026-01-01", "2026-01-16"],
      ["B", "Anna Eigentümerin", "2026-01-16", "2026-02-01"],
    ]);
    // Energy balance: Σ items (solar + grid) = Σ consumption
    const total = run.items.reduce((s, i) => s + i.solarWh + i.gridWh, 0n);
    expect(total).toBe(2976n * 150n);
    expect(run.items.reduce((s, i) => s + i.solarWh, 0n)).toBe(2976n * 100n);
    // B's stairs share = 40 % of 30 Wh = 12 Wh per quarter hour; B's 52 Wh split 15 days / 16 days
    const b = run.items.filter((i) => i.unitName === "B");
    expect(b[0]!.solarWh + b[0]!.gridWh).toBe(15n * 96n * 52n);
    expect(b[1]!.solarWh + b[1]!.gridWh).toBe(16n * 96n * 52n);

    const stored = await pool.query<{
      status: string;
      hold_reason: string | null;
      contract_id: string;
      number: string | null;
    }>(`SELECT status::text, hold_reason, contract_id, number FROM invoice WHERE id = ANY($1::uuid[])`, [
      run.items.map((i) => i.invoiceId),
    ]);
    expect(
      stored.rows.every((r) => r.status === "draft" && r.hold_reason === null && r.number === null),
    ).toBe(true);

    // a second preview replaces the drafts (no duplicates)
    const again = await previewCommunityRun(pool, MANAGER, { communityId: "rosenweg", start: "2026-01-01" });
    const count = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM invoice WHERE series_id = 'community-rosenweg'`,
    );
    expect(count.rows[0]!.n).toBe(3);

    const issued = await issueCommunityRun(pool, MANAGER, { runId: again.id, issueDate: "2026-02-03" });
    expect(issued.issued.map((i) => i.number).sort()).toEqual([
      "ROSENWEG-000001",
      "ROSENWEG-000002",
      "ROSENWEG-000003",
    ]);
    const loaded = await getCommunityRun(pool, MANAGER, again.id);
    expect(loaded.status).toBe("issued");
    await expect(
      previewCommunityRun(pool, MANAGER, { communityId: "rosenweg", start: "2026-01-01" }),
    ).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(
      issueCommunityRun(pool, { retailerId: OTHER_TENANT }, { runId: again.id }),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("holds a period with a missing quarter hour and refuses to issue it, naming the meter", async () => {
    const FEB = { start: localMidnightUtcMs("2026-02-01", TZ), end: localMidnightUtcMs("2026-03-01", TZ) };
    const gap = localMidnightUtcMs("2026-02-10", TZ) + 12 * 3_600_000;
    for (const [meterId, register, wh] of [
      ["pv-1", "export", 100],
      ["a-1", "import", 80],
      ["b-1", "import", 40],
    ] as const) {
      await fillIntervals(pool, { meterId, register, startMs: FEB.start, endMs: FEB.end, wh: () => wh });
    }
    await fillIntervals(pool, {
      meterId: "stairs-1",
      register: "import",
      startMs: FEB.start,
      endMs: FEB.end,
      wh: () => 30,
      skip: (s) => s === gap,
    });
    const run = await previewCommunityRun(pool, MANAGER, { communityId: "rosenweg", start: "2026-02-01" });
    expect(run.summary.complete).toBe(false);
    expect(run.summary.missing).toEqual([
      {
        meterId: "stairs-1",
        register: "import",
        count: 1,
        ranges: [{ start: new Date(gap).toISOString(), end: new Date(gap + 900_000).toISOString() }],
      },
    ]);
    // the missing quarter hour counts nowhere: 28 × 96 − 1 quarter hours billed
    expect(run.items.reduce((s, i) => s + i.solarWh + i.gridWh, 0n)).toBe((28n * 96n - 1n) * 150n);
    const held = await pool.query<{ hold_reason: string }>(`SELECT hold_reason FROM invoice WHERE id = $1`, [
      run.items[0]!.invoiceId,
    ]);
    expect(held.rows[0]!.hold_reason).toBe("incomplete_data");
    const refusal = await issueCommunityRun(pool, MANAGER, { runId: run.id }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(CommunityError);
    expect((refusal as CommunityError).message).toContain("stairs-1 import: 1 quarter hours");
  });
});
