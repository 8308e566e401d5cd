import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@c4e/stack/testing/index";
import { AppError } from "@/server/core/errors.ts";
import { getTodayEnergy, rewardsForSession, summaryForSession } from "@/server/prosumer/summary.ts";
import { createSession, type Session } from "@/server/core/session.ts";
import {
  A,
  account,
  B,
  CHAIN_ID,
  reading,
  rewardBatch,
  seedCustomers,
  TOKEN,
  transfer,
  ZERO,
} from "./fixtures.ts";

const chain = { chainId: CHAIN_ID, tokenAddress: TOKEN };
// 12:30 in Berlin (CET, UTC+1): today's local day started at 2026-11-21T23:00Z.
const NOW = new Date("2026-11-22T11:30:00Z");

let db: pg.Pool;
let drop: () => Promise<void>;
let sessionA: Session;
let sessionB: Session;
let guest: Session;

beforeAll(async () => {
  const database = await createTestDatabase("web_prosumer");
  drop = database.drop;
  db = createPool({ url: database.url, max: 4 });
  await seedCustomers(db);

  // Customer A, today (local): 00:00–01:00 draws 50 Wh; 10:00–11:00 PV 500 Wh;
  // 11:00–12:00 PV 300 Wh, feed-in 200 Wh, draw 100 Wh.
  await reading(db, "m-a-grid", "2026-11-21T23:00:00Z", "import", 999); // local midnight: yesterday's energy
  await reading(db, "m-a-grid", "2026-11-21T23:15:00Z", "import", 50);
  await reading(db, "m-a-pv", "2026-11-22T09:00:00Z", "export", null); // first reading: no delta
  await reading(db, "m-a-pv", "2026-11-22T10:00:00Z", "export", 500); // ends 11:00 local → bucket 10:00
  await reading(db, "m-a-pv", "2026-11-22T10:15:00Z", "export", 300);
  await reading(db, "m-a-grid", "2026-11-22T10:15:00Z", "export", 200);
  await reading(db, "m-a-grid", "2026-11-22T10:15:00Z", "import", 100);
  // Customer B's energy must never show up for A.
  await reading(db, "m-b-pv", "2026-11-22T10:15:00Z", "export", 7777);
  await reading(db, "m-b-grid", "2026-11-22T10:15:00Z", "export", 6666);

  // Mirror: A receives 1.5 + 0.250000000000000001 C4E and sends 0.1 to B.
  await transfer(db, ZERO, A.wallet, 1_500_000_000_000_000_000n);
  await transfer(db, ZERO, A.wallet, 250_000_000_000_000_001n);
  await transfer(db, A.wallet, B.wallet, 100_000_000_000_000_000n);
  await transfer(db, ZERO, A.wallet, 9n * 10n ** 18n, {
    token: "0x000000000000000000000000000000000000dead",
  });
  await transfer(db, ZERO, A.wallet, 9n * 10n ** 18n, { chainId: 1 });

  await rewardBatch(db, {
    id: "0xbatch1",
    periodStart: "2026-11-22T09:00:00Z",
    periodEnd: "2026-11-22T10:00:00Z",
    allocations: [
      { wallet: A.wallet, customerId: A.customer, exportWh: 200, amount: 200_000_000_000_000_000n },
      { wallet: B.wallet, customerId: B.customer, exportWh: 100, amount: 100_000_000_000_000_000n },
    ],
    minted: { txHash: "0xtx-batch1", blockNumber: 12 },
  });
  await rewardBatch(db, {
    id: "0xbatch2",
    periodStart: "2026-11-22T10:00:00Z",
    periodEnd: "2026-11-22T11:00:00Z",
    allocations: [
      { wallet: A.wallet, customerId: A.customer, exportWh: 300, amount: 300_000_000_000_000_000n },
    ],
    minted: { txHash: "0xtx-batch2", blockNumber: 15 },
  });
  await rewardBatch(db, {
    id: "0xbatch3-pending",
    periodStart: "2026-11-22T11:00:00Z",
    periodEnd: "2026-11-22T12:00:00Z",
    allocations: [{ wallet: A.wallet, customerId: A.customer, exportWh: 50, amount: 1n }],
  });

  sessionA = (await createSession(db, { address: account(2).address, chainId: CHAIN_ID, ttlHours: 1 }))
    .session;
  sessionB = (await createSession(db, { address: account(3).address, chainId: CHAIN_ID, ttlHours: 1 }))
    .session;
  guest = (await createSession(db, { address: account(4).address, chainId: CHAIN_ID, ttlHours: 1 })).session;
});

afterAll(async () => {
  await db.end();
  await drop();
});

describe("prosumer summary", () => {
  it("buckets today's energy per local hour and derives consumption", async () => {
    const summary = await summaryForSession(db, sessionA, chain, NOW);
    expect(summary.customer).toEqual({ id: A.customer, name: "Alice Sun" });
    const [site] = summary.sites;
    expect(summary.sites).toHaveLength(1);
    expect(site?.timeZone).toBe("Europe/Berlin");
    expect(site?.dayStart).toBe("2026-11-21T23:00:00.000Z");
    expect(site?.dayEnd).toBe("2026-11-22T23:00:00.000Z");
    // 00:00 … 12:00 local: 13 buckets up to the current hour.
    expect(site?.buckets).toHaveLength(13);
    expect(site?.buckets[0]).toEqual({
      start: "2026-11-21T23:00:00.000Z",
      productionWh: 0,
      consumptionWh: 50, // 50 import + 0 production − 0 export
      exportWh: 0,
      importWh: 50,
    });
    expect(site?.buckets[10]).toMatchObject({
      start: "2026-11-22T09:00:00.000Z",
      productionWh: 500,
      consumptionWh: 500,
    });
    // 100 import + 300 production − 200 export = 200
    expect(site?.buckets[11]).toEqual({
      start: "2026-11-22T10:00:00.000Z",
      productionWh: 300,
      consumptionWh: 200,
      exportWh: 200,
      importWh: 100,
    });
    // 150 + 800 − 200 = 750
    expect(site?.totals).toEqual({ productionWh: 800, consumptionWh: 750, exportWh: 200, importWh: 150 });
  });

  it("sums the C4E balance of the customer's wallets exactly, for the configured chain and token only", async () => {
    const a = await summaryForSession(db, sessionA, chain, NOW);
    expect(a.balance.amount).toBe("1650000000000000001");
    expect(a.wallets.map((w) => w.toLowerCase())).toEqual([A.wallet]);
    const b = await summaryForSession(db, sessionB, chain, NOW);
    expect(b.balance.amount).toBe("100000000000000000");
  });

  it("scopes every read to the session's customer", async () => {
    const b = await summaryForSession(db, sessionB, chain, NOW);
    expect(b.customer.id).toBe(B.customer);
    expect(b.sites.map((s) => s.id)).toEqual([B.site]);
    expect(b.sites[0]?.totals).toEqual({
      productionWh: 7777,
      consumptionWh: 1111,
      exportWh: 6666,
      importWh: 0,
    });
    const a = await summaryForSession(db, sessionA, chain, NOW);
    expect(JSON.stringify(a)).not.toContain(B.customer);
    expect(JSON.stringify(a)).not.toContain("7777");
    expect(JSON.stringify(a)).not.toContain(B.wallet);
  });

  it("refuses guests and anonymous requests", async () => {
    await expect(summaryForSession(db, guest, chain, NOW)).rejects.toMatchObject({ code: "forbidden" });
    await expect(summaryForSession(db, null, chain, NOW)).rejects.toBeInstanceOf(AppError);
    await expect(rewardsForSession(db, null, chain)).rejects.toMatchObject({ code: "unauthenticated" });
    // A forged session object claiming a customer but with the guest role gets nothing either.
    await expect(
      summaryForSession(db, { ...guest, customerId: A.customer }, chain, NOW),
    ).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("follows DST: the local day of the autumn change has 25 hourly buckets", async () => {
    const fallBack = await getTodayEnergy(db, { customerId: A.customer }, new Date("2026-10-25T22:30:00Z"));
    expect(fallBack[0]?.dayStart).toBe("2026-10-24T22:00:00.000Z");
    expect(fallBack[0]?.dayEnd).toBe("2026-10-25T23:00:00.000Z");
    expect(fallBack[0]?.buckets).toHaveLength(25);
    const springForward = await getTodayEnergy(
      db,
      { customerId: A.customer },
      new Date("2026-03-29T21:30:00Z"),
    );
    expect(springForward[0]?.buckets).toHaveLength(23);
  });
});

describe("reward history", () => {
  it("lists the customer's minted batches newest first, with only their own share", async () => {
    const a = await rewardsForSession(db, sessionA, chain);
    expect(a.map((r) => r.batchId)).toEqual(["0xbatch2", "0xbatch1"]);
    expect(a[1]).toMatchObject({
      exportWh: 200,
      amount: "200000000000000000",
      txHash: "0xtx-batch1",
      blockNumber: "12",
      periodStart: "2026-11-22T09:00:00.000Z",
    });
    const b = await rewardsForSession(db, sessionB, chain);
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ batchId: "0xbatch1", exportWh: 100, amount: "100000000000000000" });
  });
});
