// c4e-test: needs no machine services (npm run test:integration skips this file)
// Defence in depth: the demo's seed functions refuse any chain but the local development chain 31337,
// before they touch the database or the chain (their data hands out public development keys).
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { demoFleet, seedFleet } from "../src/demo/fleet.ts";
import { seedDemoPerks } from "../src/demo/perks.ts";
import { seedDemoReadingReport } from "../src/demo/reading-reports.ts";
import { seedDemoStaff } from "../src/demo/staff.ts";
import { devAccount } from "../src/dev-accounts.ts";

const touched: string[] = [];
/** A pool that records any use (the guard must refuse before one). */
const pool = {
  connect: async () => {
    touched.push("connect");
    throw new Error("the database was used");
  },
  query: async () => {
    touched.push("query");
    throw new Error("the database was used");
  },
} as unknown as pg.Pool;

const refusal = (what: string, chainId: number) =>
  new RegExp(`^${what} refused on chain ${chainId}: .*local development chain 31337 only`);

describe("demo seeds on a chain other than 31337", () => {
  it.each([1, 4242, 8453, 1337])("refuse on chain %i without touching database or chain", async (chainId) => {
    touched.length = 0;
    const fleet = demoFleet({ gateways: 1, meters: 1 });
    await expect(seedFleet(pool, fleet, { chainId })).rejects.toThrow(refusal("seedFleet", chainId));
    await expect(seedDemoStaff(pool, fleet.retailer.id, { chainId })).rejects.toThrow(
      refusal("seedDemoStaff", chainId),
    );
    await expect(seedDemoReadingReport(pool, fleet.retailer.id, { chainId })).rejects.toThrow(
      refusal("seedDemoReadingReport", chainId),
    );
    await expect(
      seedDemoPerks({
        rpcUrl: "http://127.0.0.1:9", // nothing listens: a call would fail differently
        chainId,
        perks: "0x0000000000000000000000000000000000000001",
        retailer: devAccount(0),
        log: () => {},
      }),
    ).rejects.toThrow(refusal("seedDemoPerks", chainId));
    expect(touched).toEqual([]);
  });

  it("run on 31337 (they reach the database)", async () => {
    touched.length = 0;
    await expect(seedFleet(pool, demoFleet({ gateways: 1, meters: 1 }), { chainId: 31337 })).rejects.toThrow(
      "the database was used",
    );
    expect(touched).toEqual(["connect"]);
  });
});
