// Messages verified ahead (process-batch.ts `prepareMessages`, run by the consumer for the next batch
// while the current one is stored) are taken by `processBatch` instead of being verified again, with
// the same outcome: the same readings stored, the same rejections.
import { createPool } from "@c4e/prisma";
import { createTestDatabase, type TestDatabase } from "@c4e/stack/testing/index";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  emptyPhases,
  prepareMessages,
  processBatch,
  type ProcessBatchDeps,
  type ReceivedMessage,
  type VerifiedAhead,
} from "../src/process-batch.ts";
import { createGatewayKeyCache, type GatewayKeyCache } from "../src/verify-signature.ts";
import { type Fixture, insertFixture, query, signedMessage, testClock } from "./fixtures.ts";

describe("ingest: verifying the next batch ahead", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let fixture: Fixture;
  const clock = testClock("2026-11-04T12:00:00Z");
  const topicRoot = "c4e/v1";

  beforeAll(async () => {
    db = await createTestDatabase("ingest_verify_ahead");
    pool = createPool({ url: db.url });
    fixture = await insertFixture(db.url, {
      customers: [{ id: "c-1" }],
      gateways: [{ id: "gw-1" }, { id: "gw-2" }],
      meters: [
        { id: "m-1", gatewayId: "gw-1", customerId: "c-1" },
        { id: "m-2", gatewayId: "gw-2", customerId: "c-1" },
      ],
    });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it("stores what was verified ahead without verifying it again, rejections included", async () => {
    let keyLookups = 0;
    const keys = createGatewayKeyCache({ pool, ttlMs: 60_000, now: clock.now });
    const counting: GatewayKeyCache = {
      get: (ids) => {
        keyLookups++;
        return keys.get(ids);
      },
      forget: (ids) => keys.forget(ids),
    };
    const verifiedAhead: VerifiedAhead = new WeakMap();
    const deps: ProcessBatchDeps = {
      pool,
      gatewayKeys: counting,
      topicRoot,
      clockSkewMs: 300_000,
      rewardMaxGapMinutes: 60,
      log: () => {},
      phases: emptyPhases(),
      verifiedAhead,
    };
    const key1 = fixture.gateways["gw-1"]?.privateKey;
    const key2 = fixture.gateways["gw-2"]?.privateKey;
    if (!key1 || !key2) throw new Error("no keys");
    const message = (gatewayId: string, id: string, signedBy: typeof key1): ReceivedMessage => ({
      topic: `${topicRoot}/gateways/${gatewayId}/readings`,
      payload: Buffer.from(
        signedMessage(
          {
            gatewayId,
            messageId: id,
            readings: [
              {
                meterId: gatewayId === "gw-1" ? "m-1" : "m-2",
                at: "2026-11-04T10:00:00Z",
                importWh: 10,
                exportWh: 5,
              },
            ],
          },
          signedBy,
        ),
      ),
      receivedAt: clock.now(),
    });
    const good = message("gw-1", "ok-1", key1);
    const forged = message("gw-2", "forged-1", key1); // gw-2's topic, gw-1's key
    const wrongTopic: ReceivedMessage = {
      topic: `${topicRoot}/elsewhere`,
      payload: Buffer.from("{}"),
      receivedAt: clock.now(),
    };
    await prepareMessages(deps, [good, forged, wrongTopic]);
    expect(deps.phases?.verifyAhead).toBeGreaterThan(0);
    const lookupsAhead = keyLookups;
    expect(lookupsAhead).toBeGreaterThan(0);

    const result = await processBatch(deps, [good, forged, wrongTopic]);
    expect(keyLookups).toBe(lookupsAhead); // nothing verified again
    expect(result.acceptedReadings).toBe(1);
    expect(result.storedMessages).toBe(1);
    expect(result.rejectedByReason).toEqual({ bad_signature: 1, wrong_topic: 1 });
    const rejected = await query<{ reason: string; gateway_id: string | null }>(
      db.url,
      "SELECT reason, gateway_id FROM rejected_input ORDER BY id",
    );
    expect(rejected).toEqual([
      { reason: "bad_signature", gateway_id: "gw-2" },
      { reason: "wrong_topic", gateway_id: null },
    ]);

    // a message not verified ahead is verified by the batch itself
    const late = message("gw-1", "ok-2", key1);
    const second = await processBatch(deps, [late]);
    expect(keyLookups).toBeGreaterThan(lookupsAhead);
    expect(second.duplicateReadings + second.acceptedReadings).toBe(1);
  });
});
