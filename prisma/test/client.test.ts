import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@c4e/stack/testing/index";
import { createPool, createPrisma, migrationFiles } from "../src/index.ts";

describe("database clients", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("prisma");
  });
  afterAll(async () => {
    await db.drop();
  });

  it("reads catalog column types through Prisma's JS engine (adapter-pg cannot by itself)", async () => {
    const prisma = createPrisma({ url: db.url });
    try {
      const rows = await prisma.$queryRaw<
        { datname: string }[]
      >`SELECT datname FROM pg_database WHERE datname = current_database()`;
      expect(rows).toEqual([{ datname: db.name }]);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("round-trips bigint registers and numeric(78,0) token amounts exactly", async () => {
    const prisma = createPrisma({ url: db.url });
    try {
      const amount = "115792089237316195423570985008687907853269984665640564039457584007913129639935"; // 2^256-1
      await prisma.rewardBatch.create({
        data: {
          id: `0x${"ab".repeat(32)}`,
          periodStart: new Date("2026-11-22T10:00:00Z"),
          periodEnd: new Date("2026-11-22T10:15:00Z"),
          policyVersion: "v1",
          readingsRoot: `0x${"00".repeat(32)}`,
          exportWh: 9_007_199_254_740_993n,
          totalAmount: amount,
        },
      });
      const batch = await prisma.rewardBatch.findFirstOrThrow();
      expect(batch.exportWh).toBe(9_007_199_254_740_993n);
      expect(batch.totalAmount.toFixed()).toBe(amount);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("enforces the readings' natural key (meter, instant, register)", async () => {
    const pool = createPool({ url: db.url });
    try {
      const insert = `INSERT INTO reading (meter_id, at, register, value_wh, gateway_id, message_id, received_at)
                      VALUES ('m1', '2026-11-22T10:00:00Z', 'export', 10, 'gw', 'msg', now())`;
      await pool.query(insert);
      await expect(pool.query(insert)).rejects.toThrow(/duplicate key/);
    } finally {
      await pool.end();
    }
  });

  it("lists the migrations in order", () => {
    const names = migrationFiles().map((m) => m.name);
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect([...names].sort()).toEqual(names);
  });
});
