import { buildRewardTree } from "@c4e/contracts";
import { createPool } from "@c4e/prisma/connection";
import ExcelJS from "exceljs";
import type pg from "pg";
import { getAddress } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@c4e/stack/testing/index";
import { getPeriodEnergy } from "@/server/prosumer/energy-period.ts";
import { csvField, exportResponse, readingPages } from "@/server/prosumer/readings-export.ts";
import { getRewardProof } from "@/server/prosumer/reward-proof.ts";
import { A, B, reading, rewardBatch, seedCustomers } from "./fixtures.ts";

let db: pg.Pool;
let drop: () => Promise<void>;
const scopeA = { customerId: A.customer };
// Wednesday 2026-11-18, 12:30 in Berlin (CET, UTC+1)
const NOW = new Date("2026-11-18T11:30:00Z");

beforeAll(async () => {
  const database = await createTestDatabase("web_period");
  drop = database.drop;
  db = createPool({ url: database.url, max: 4 });
  await seedCustomers(db);
  // This year: Monday 16th 10:00 local PV 1000 Wh, export 400; Wednesday 18th 11:xx import 250.
  await reading(db, "m-a-pv", "2026-11-16T10:00:00Z", "export", 1000); // 11:00 local → bucket Mon
  await reading(db, "m-a-grid", "2026-11-16T10:00:00Z", "export", 400);
  await reading(db, "m-a-grid", "2026-11-18T10:15:00Z", "import", 250);
  // Midnight local (23:00Z on the 15th) belongs to Sunday 15th, i.e. the previous week.
  await reading(db, "m-a-pv", "2026-11-15T23:00:00Z", "export", 9);
  // A year earlier: 2025-11-17 (Monday of that week) PV 700; 2025-11-18 10:00Z PV 100 (to date).
  await reading(db, "m-a-pv", "2025-11-17T12:00:00Z", "export", 700);
  await reading(db, "m-a-pv", "2025-11-20T12:00:00Z", "export", 100);
  // March (DST change month) and B's energy, never A's.
  await reading(db, "m-a-pv", "2026-03-29T12:00:00Z", "export", 5);
  await reading(db, "m-b-pv", "2026-11-16T10:00:00Z", "export", 7777);
});

afterAll(async () => {
  await db.end();
  await drop();
});

describe("dashboard periods", () => {
  it("buckets a week Monday to Sunday by local day, with self-consumption and last year's week", async () => {
    const { sites } = await getPeriodEnergy(db, scopeA, { period: "week" }, NOW);
    const site = sites[0];
    expect(site?.bucket).toBe("day");
    expect(site?.date).toBe("2026-11-18");
    expect(site?.current.start).toBe("2026-11-15T23:00:00.000Z"); // Monday 00:00 CET
    expect(site?.current.buckets).toHaveLength(7);
    expect(site?.current.buckets[0]).toMatchObject({
      productionWh: 1000,
      exportWh: 400,
      selfConsumptionWh: 600, // 1000 produced − 400 fed in
      consumptionWh: 600, // 0 import + 1000 − 400
    });
    expect(site?.current.buckets[2]).toMatchObject({ importWh: 250, consumptionWh: 250 });
    expect(site?.current.totals.productionWh).toBe(1000); // the 9 Wh at midnight is last week's
    // 2025-11-17 is the Monday of the week a year earlier
    expect(site?.previousYear.start).toBe("2025-11-16T23:00:00.000Z");
    expect(site?.previousYear.buckets[0]?.productionWh).toBe(700);
    expect(site?.previousYear.totals.productionWh).toBe(800);
    // up to Wednesday (3 of 7 days): Thursday's 100 Wh is not yet comparable
    expect(site?.previousYearToDate.productionWh).toBe(700);
  });

  it("has one bucket per day of the month and per month of the year; DST months stay whole", async () => {
    const month = await getPeriodEnergy(db, scopeA, { period: "month", date: "2026-03-10" }, NOW);
    expect(month.sites[0]?.current.buckets).toHaveLength(31);
    expect(month.sites[0]?.current.buckets[28]?.productionWh).toBe(5); // March 29th
    const year = await getPeriodEnergy(db, scopeA, { period: "year" }, NOW);
    expect(year.sites[0]?.current.buckets).toHaveLength(12);
    expect(year.sites[0]?.current.buckets[10]?.productionWh).toBe(1000 + 9); // November
    expect(year.sites[0]?.current.buckets[2]?.productionWh).toBe(5);
    const day = await getPeriodEnergy(db, scopeA, { period: "day", date: "2026-03-29" }, NOW);
    expect(day.sites[0]?.current.buckets).toHaveLength(23); // spring forward
  });

  it("never includes another customer's energy", async () => {
    const week = await getPeriodEnergy(db, { customerId: B.customer }, { period: "week" }, NOW);
    expect(week.sites.map((s) => s.id)).toEqual([B.site]);
    const a = await getPeriodEnergy(db, scopeA, { period: "year" }, NOW);
    expect(JSON.stringify(a)).not.toContain("7777");
  });
});

describe("readings export", () => {
  it("streams the customer's readings of the local date range as CSV", async () => {
    const query = { format: "csv" as const, from: "2026-11-16", to: "2026-11-16" };
    const res = exportResponse(readingPages(db, scopeA, query), query);
    expect(res.headers.get("content-disposition")).toContain("c4e-readings-2026-11-16-to-2026-11-16.csv");
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toContain("Local time");
    // the reading at local midnight of the 16th belongs to the 15th: two readings on the 16th
    expect(lines.slice(1)).toEqual([
      "Home A,POD-A,m-a-grid,grid,export,2026-11-16T10:00:00.000Z,2026-11-16 11:00:00,Europe/Berlin,0,400",
      "Home A,POD-A,m-a-pv,pv,export,2026-11-16T10:00:00.000Z,2026-11-16 11:00:00,Europe/Berlin,0,1000",
    ]);
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("=cmd()")).toBe("'=cmd()");
  });

  it("writes the same rows as an xlsx workbook", async () => {
    const query = { format: "xlsx" as const, from: "2025-01-01", to: "2026-12-31" };
    const res = exportResponse(readingPages(db, scopeA, query), query);
    const buffer = Buffer.from(await res.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0];
    expect(sheet?.rowCount).toBe(1 + 7); // header + A's seven readings, none of B's
    expect(sheet?.getRow(1).getCell(1).value).toBe("Site");
  });
});

describe("reward proofs", () => {
  it("rebuilds the batch root and returns only the customer's leaves", async () => {
    const start = "2026-11-16T09:00:00.000Z";
    const leaves = [
      { gatewayId: "gw-1", meterId: "m-a-grid", wallet: A.wallet, exportWh: 400n },
      { gatewayId: "gw-1", meterId: "m-b-grid", wallet: B.wallet, exportWh: 300n },
    ].map((l) => ({ ...l, periodStart: BigInt(Date.parse(start) / 1000), recipient: getAddress(l.wallet) }));
    const id = `0x${"c1".repeat(32)}`;
    await rewardBatch(db, {
      id,
      periodStart: start,
      periodEnd: "2026-11-16T10:00:00.000Z",
      allocations: [
        { wallet: A.wallet, customerId: A.customer, exportWh: 400, amount: 400n * 10n ** 15n },
        { wallet: B.wallet, customerId: B.customer, exportWh: 300, amount: 300n * 10n ** 15n },
      ],
    });
    const tree = buildRewardTree(leaves);
    await db.query("UPDATE reward_batch SET readings_root = $2 WHERE id = $1", [id, tree.root]);
    for (const l of leaves)
      await db.query(
        "INSERT INTO reward_leaf (batch_id, gateway_id, meter_id, export_wh, recipient) VALUES ($1, $2, $3, $4, $5)",
        [id, l.gatewayId, l.meterId, l.exportWh.toString(), l.wallet],
      );
    const chain = { chainId: 31337, rewardMinter: getAddress(`0x${"aa".repeat(20)}`), client: null };
    const proof = await getRewardProof(db, { customerId: A.customer }, id, chain);
    expect(proof.rootMatches).toBe(true);
    expect(proof.readingsRoot).toBe(tree.root);
    expect(proof.leaves).toHaveLength(1);
    expect(proof.leaves[0]).toMatchObject({ meterId: "m-a-grid", exportWh: "400", proof: tree.proof(0) });
    expect(JSON.stringify(proof)).not.toContain("m-b-grid");
    await expect(getRewardProof(db, { customerId: "cust-x" }, id, chain)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(getRewardProof(db, { customerId: A.customer }, "0x1234", chain)).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
