// The retailer's time zone (retailer-settings.ts) and how admin pages format instants in it.
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@c4e/stack/testing/index";
import { formatInstant, formatTimeZoneName } from "@/lib/format.ts";
import type { StaffScope } from "@/server/core/authz.ts";
import {
  getRetailerTimeZone,
  supportedTimeZones,
  updateRetailerTimeZone,
} from "@/server/admin/retailer-settings.ts";
import { account, seedCustomers } from "./fixtures.ts";

let db: pg.Pool;
let drop: () => Promise<void>;
const admin: StaffScope = {
  retailerId: "ret-1",
  actor: account(0).address.toLowerCase(),
  role: "retailer_admin",
};

beforeAll(async () => {
  const database = await createTestDatabase("web_time_zone");
  drop = database.drop;
  db = createPool({ url: database.url, max: 2 });
  await seedCustomers(db);
  await db.query(`INSERT INTO retailer (id, name) VALUES ('ret-2', 'Other Retail')`);
});

afterAll(async () => {
  await db?.end();
  await drop?.();
});

describe("retailer time zone", () => {
  it("defaults to Europe/Berlin (the column default)", async () => {
    expect(await getRetailerTimeZone(db, "ret-1")).toBe("Europe/Berlin");
  });

  it("accepts IANA zones the runtime knows, including UTC, and audits old and new", async () => {
    expect(supportedTimeZones()).toContain("America/New_York");
    expect(supportedTimeZones()).toContain("UTC");
    expect(await updateRetailerTimeZone(db, admin, { timeZone: " Asia/Tokyo " })).toEqual({
      ok: true,
      value: { timeZone: "Asia/Tokyo" },
    });
    expect(await updateRetailerTimeZone(db, admin, { timeZone: "UTC" })).toMatchObject({ ok: true });
    expect(await getRetailerTimeZone(db, "ret-1")).toBe("UTC");
    expect(await getRetailerTimeZone(db, "ret-2")).toBe("Europe/Berlin"); // the other retailer's untouched
    const audit = await db.query<{ detail: unknown; target_id: string }>(
      "SELECT detail, target_id FROM audit_log WHERE action = 'retailer.time_zone' ORDER BY id",
    );
    expect(audit.rows).toEqual([
      { target_id: "ret-1", detail: { from: "Europe/Berlin", to: "Asia/Tokyo" } },
      { target_id: "ret-1", detail: { from: "Asia/Tokyo", to: "UTC" } },
    ]);
  });

  it("refuses anything else at the field and changes nothing", async () => {
    for (const timeZone of [
      "",
      "Mars/Olympus_Mons",
      "europe/berlin",
      "GMT+1",
      "Europe/Berlin; DROP TABLE retailer",
    ]) {
      const result = await updateRetailerTimeZone(db, admin, { timeZone });
      expect(result, timeZone).toMatchObject({
        ok: false,
        error: "bad_request",
        fieldErrors: { timeZone: "admin.settings.error.timeZone" },
      });
    }
    expect(await getRetailerTimeZone(db, "ret-1")).toBe("UTC");
  });

  it("formats admin instants in the zone, naming the zone once", () => {
    const at = "2026-11-22T08:13:00.000Z";
    expect(formatInstant(at, "Europe/Berlin")).toBe("Nov 22, 2026, 09:13");
    expect(formatInstant(at, "America/New_York")).toBe("Nov 22, 2026, 03:13");
    expect(formatInstant("2026-07-01T22:30:00.000Z", "Europe/Berlin")).toBe("Jul 2, 2026, 00:30"); // CEST
    expect(formatTimeZoneName("Europe/Berlin", new Date(at))).toBe("Europe/Berlin (GMT+1)");
    expect(formatTimeZoneName("UTC", new Date(at))).toBe("UTC (GMT+0)");
  });
});
