import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@c4e/stack/embedded/ports";
import { createTestDatabase, type TestDatabase } from "@c4e/stack/testing/index";
import { subscriptionFilter } from "../src/consumer.ts";
import { createIngest, type Ingest } from "../src/index.ts";
import {
  baseConfig,
  type Fixture,
  insertFixture,
  purgeSession,
  query,
  signedMessage,
  testClock,
  waitFor,
} from "./fixtures.ts";

/**
 * Issue 15, scale-out: two ingest processes share one subscription (`$share/{group}/…`) on a real broker.
 * The embedded broker (aedes) has no shared subscriptions, so this runs against TEST_MQTT_URL (Mosquitto
 * in CI) or, without it, a Mosquitto started from the machine's binary; with neither it is skipped.
 */
const MOSQUITTO = "/usr/sbin/mosquitto";
const external = process.env.TEST_MQTT_URL;
const available = external !== undefined || existsSync(MOSQUITTO);

describe("subscriptionFilter", () => {
  it("prefixes the shared group and refuses a group that would change the filter", () => {
    expect(subscriptionFilter("c4e/v1")).toBe("c4e/v1/gateways/#");
    expect(subscriptionFilter("c4e/v1", "ingest")).toBe("$share/ingest/c4e/v1/gateways/#");
    for (const bad of ["", "a/b", "+", "#", "x".repeat(65)]) {
      expect(() => subscriptionFilter("c4e/v1", bad)).toThrow(/shared subscription group/);
    }
  });
});

describe.skipIf(!available)("ingest: two processes on one shared subscription (real broker)", () => {
  let db: TestDatabase;
  let fixture: Fixture;
  let mqttUrl: string;
  let mosquitto: ChildProcess | null = null;
  let dir: string | null = null;
  const clock = testClock("2026-11-01T12:00:00Z");
  const gateways = Array.from({ length: 10 }, (_, g) => `gw-${g + 1}`);
  const meterIds = (gatewayId: string) => [`${gatewayId}-a`, `${gatewayId}-b`];

  beforeAll(async () => {
    if (external !== undefined) mqttUrl = external;
    else {
      dir = mkdtempSync(join(tmpdir(), "c4e-mosquitto-"));
      const port = await freePort();
      writeFileSync(join(dir, "m.conf"), `listener ${port} 127.0.0.1\nallow_anonymous true\n`);
      mosquitto = spawn(MOSQUITTO, ["-c", join(dir, "m.conf")], { stdio: "ignore" });
      mqttUrl = `mqtt://127.0.0.1:${port}`;
      await waitFor(
        async () => {
          try {
            const c = await mqtt.connectAsync(mqttUrl, { reconnectPeriod: 0, connectTimeout: 500 });
            await c.endAsync();
            return true;
          } catch {
            return false;
          }
        },
        "mosquitto to listen",
        10_000,
      );
    }
    db = await createTestDatabase("ingest_shared_sub");
    fixture = await insertFixture(db.url, {
      customers: gateways.map((g, i) => ({
        id: `c-${g}`,
        wallet: `0x${(i + 1).toString(16).padStart(40, "0")}` as `0x${string}`,
      })),
      gateways: gateways.map((id) => ({ id })),
      meters: gateways.flatMap((g) =>
        meterIds(g).map((id) => ({ id, gatewayId: g, customerId: `c-${g}`, ratedPowerW: 30_000 })),
      ),
    });
  });
  afterAll(async () => {
    await db?.drop();
    mosquitto?.kill("SIGTERM");
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  });

  it("stores every reading once, with exact deltas, and rewards every delta once", async () => {
    const run = randomBytes(4).toString("hex");
    const topicRoot = `shared-${run}/c4e/v1`;
    const group = `ingest-${run}`;
    const clientIds = [`ingest-a-${run}`, `ingest-b-${run}`];
    const ingests: Ingest[] = clientIds.map((clientId) =>
      createIngest({
        ...baseConfig({ databaseUrl: db.url, mqttUrl, topicRoot, clientId, now: clock.now }),
        sharedGroup: group,
        // small batches that flush on their own, so both processes store while the burst arrives
        batch: { maxMessages: 5, maxWaitMs: 30 },
      }),
    );
    try {
      for (const ingest of ingests) await ingest.start();

      // 10 gateways × 8 steps of 15 minutes (09:00–10:45); consecutive messages of one gateway go to
      // either process, so the two store the same meters concurrently and out of order.
      const steps = 8;
      const publisher = await mqtt.connectAsync(mqttUrl, { clientId: `pub-${run}` });
      const sends: Promise<unknown>[] = [];
      for (let s = 0; s < steps; s++) {
        const at = new Date(Date.parse("2026-11-01T09:00:00Z") + s * 900_000).toISOString();
        for (const g of gateways) {
          const key = fixture.gateways[g]?.privateKey;
          if (key === undefined) throw new Error(`no key for ${g}`);
          const readings = meterIds(g).map((meterId, m) => ({
            meterId,
            at,
            importWh: 10_000 + s * (100 + m),
            exportWh: 50_000 + s * s * (200 + 10 * m), // growing steps: a wrong reference shows in a delta
          }));
          sends.push(
            publisher.publishAsync(
              `${topicRoot}/gateways/${g}/readings`,
              signedMessage({ gatewayId: g, messageId: `m-${s}`, sentAt: at, readings }, key),
              { qos: 1 },
            ),
          );
        }
      }
      await Promise.all(sends);
      await publisher.endAsync();
      const messages = steps * gateways.length;
      await waitFor(
        () =>
          ingests.reduce((n, i) => n + i.stats().storedMessages + i.stats().duplicateMessages, 0) >= messages,
        "both processes to store the burst",
        30_000,
      );

      const [a, b] = ingests.map((i) => i.stats());
      // The broker shared the work, and every message was stored exactly once between the two.
      expect(a?.storedMessages).toBeGreaterThan(0);
      expect(b?.storedMessages).toBeGreaterThan(0);
      expect((a?.storedMessages ?? 0) + (b?.storedMessages ?? 0)).toBe(messages);
      expect((a?.rejected ?? 0) + (b?.rejected ?? 0)).toBe(0);
      // …and delivered to one process only (two plain subscriptions would receive everything twice).
      expect((a?.received ?? 0) + (b?.received ?? 0)).toBe(messages);
      expect((a?.duplicateMessages ?? 0) + (b?.duplicateMessages ?? 0)).toBe(0);

      const rows = await query<{
        meter_id: string;
        register: string;
        value_wh: string;
        delta_wh: string | null;
      }>(
        db.url,
        "SELECT meter_id, register, value_wh::text, delta_wh::text FROM reading ORDER BY meter_id, register, at",
      );
      expect(rows).toHaveLength(messages * 2 * 2);
      // Each delta is the difference to the previous reading of its register, whatever the arrival order.
      let previous: (typeof rows)[number] | null = null;
      for (const row of rows) {
        const same =
          previous !== null && previous.meter_id === row.meter_id && previous.register === row.register;
        expect(row.delta_wh).toBe(
          same ? String(BigInt(row.value_wh) - BigInt(previous?.value_wh ?? 0)) : null,
        );
        previous = row;
      }

      // Both processes settle at once: the settlement lock lets one write each period's batches.
      await Promise.all(ingests.map((i) => i.settleAndMint()));
      const [rewarded] = await query<{
        batches: string;
        batch_wh: string;
        reading_wh: string;
        eligible_wh: string;
      }>(
        db.url,
        `SELECT (SELECT count(*) FROM reward_batch)::text AS batches,
                (SELECT coalesce(sum(export_wh), 0) FROM reward_batch)::text AS batch_wh,
                (SELECT coalesce(sum(delta_wh), 0) FROM reading
                  WHERE register = 'export' AND reward_batch_id IS NOT NULL)::text AS reading_wh,
                (SELECT coalesce(sum(delta_wh), 0) FROM reading
                  WHERE register = 'export' AND reward_eligible)::text AS eligible_wh`,
      );
      expect(Number(rewarded?.batches)).toBeGreaterThan(0);
      expect(rewarded?.batch_wh).toBe(rewarded?.reading_wh);
      expect(rewarded?.batch_wh).toBe(rewarded?.eligible_wh);
      expect(BigInt(rewarded?.batch_wh ?? 0)).toBeGreaterThan(0n);
    } finally {
      for (const ingest of ingests) await ingest.stop();
      for (const clientId of clientIds) await purgeSession(mqttUrl, clientId);
    }
  });
});
