import { createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  gatewayIdFromTopic,
  MAX_PAYLOAD_BYTES,
  MAX_READINGS_PER_MESSAGE,
  parseBody,
  parseEnvelope,
  REJECT_REASON_TEXT,
  REJECT_REASONS,
  readingsTopic,
  utf8ByteLength,
} from "./gateway-message.ts";

const SIG = Buffer.alloc(64, 7).toString("base64");

function envelope(fields: Record<string, unknown>): string {
  return JSON.stringify({ v: 1, alg: "ed25519", body: "{}", sig: SIG, ...fields });
}

function body(fields: Record<string, unknown> = {}, readings: unknown[] = []): string {
  return JSON.stringify({
    v: 1,
    gatewayId: "gw-1",
    messageId: "2025-06-01T12:00:00Z:0001",
    sentAt: "2025-06-01T12:00:05Z",
    readings,
    ...fields,
  });
}

const reading = (fields: Record<string, unknown> = {}) => ({
  meterId: "m-1",
  at: "2025-06-01T12:00:00Z",
  importWh: 1000,
  exportWh: 500,
  ...fields,
});

describe("parseEnvelope", () => {
  it("accepts a real Ed25519-signed message and the signature verifies over body's UTF-8 bytes", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const bodyText = body({}, [reading({ meterId: "zähler-1" })]); // non-ASCII inside the signed body
    const sig = sign(null, Buffer.from(bodyText, "utf8"), privateKey).toString("base64");
    const result = parseEnvelope(JSON.stringify({ v: 1, alg: "ed25519", body: bodyText, sig }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.envelope.body).toBe(bodyText);
    expect(result.envelope.sigBytes).toHaveLength(64);
    expect(verify(null, Buffer.from(result.envelope.body, "utf8"), publicKey, result.envelope.sigBytes)).toBe(
      true,
    );
  });

  it("accepts the example in docs/gateway-message.md, and its signature verifies", () => {
    const doc = readFileSync(new URL("../../../docs/gateway-message.md", import.meta.url), "utf8");
    const payload = doc.split("\n").find((line) => line.startsWith('{"v":1,"alg":"ed25519"'));
    const publicKeyBase64 = /public key \(raw 32 bytes, base64\) is\s+`([^`]+)`/.exec(doc)?.[1];
    expect(payload).toBeDefined();
    expect(publicKeyBase64).toBeDefined();
    const envelope = parseEnvelope(payload ?? "");
    if (!envelope.ok) throw new Error(envelope.detail);
    const publicKey = createPublicKey({
      key: Buffer.concat([
        Buffer.from("302a300506032b6570032100", "hex"),
        Buffer.from(publicKeyBase64 ?? "", "base64"),
      ]),
      format: "der",
      type: "spki",
    });
    expect(
      verify(null, Buffer.from(envelope.envelope.body, "utf8"), publicKey, envelope.envelope.sigBytes),
    ).toBe(true);
    const body = parseBody({ body: envelope.envelope.body, topicGatewayId: "gw-0001" });
    expect(body).toMatchObject({
      ok: true,
      header: { messageId: "gw-0001:000042", sentAt: new Date("2025-06-01T10:00:07Z") },
      readings: [{ exportWh: 8765432n, intervals: [{ exportWh: 1480n }] }, { importWh: 50211n }],
      rejected: [],
    });
  });

  it("accepts unpadded base64 and ignores unknown envelope fields", () => {
    const result = parseEnvelope(envelope({ sig: SIG.replace(/=+$/, ""), extra: true }));
    expect(result.ok && Buffer.from(result.envelope.sigBytes).equals(Buffer.alloc(64, 7))).toBe(true);
  });

  it.each([
    ["not JSON", "{", "malformed_json"],
    ["an array", "[]", "malformed_envelope"],
    ["missing v", JSON.stringify({ alg: "ed25519", body: "{}", sig: SIG }), "malformed_envelope"],
    ["v 2", envelope({ v: 2 }), "unsupported_version"],
    ["v as string", envelope({ v: "1" }), "malformed_envelope"],
    ["alg rsa", envelope({ alg: "rsa" }), "unsupported_version"],
    ["body as object", envelope({ body: {} }), "malformed_envelope"],
    ["empty body", envelope({ body: "" }), "malformed_envelope"],
    ["body with lone surrogate", envelope({ body: "{\ud800}" }), "malformed_envelope"],
    ["sig missing", envelope({ sig: undefined }), "malformed_envelope"],
    ["sig with bad characters", envelope({ sig: `${SIG.slice(0, -3)}*==` }), "malformed_envelope"],
    ["sig base64url", envelope({ sig: Buffer.alloc(64, 0xfb).toString("base64url") }), "malformed_envelope"],
    ["sig of 32 bytes", envelope({ sig: Buffer.alloc(32).toString("base64") }), "malformed_envelope"],
  ])("refuses %s", (_name, raw, reason) => {
    expect(parseEnvelope(raw)).toMatchObject({ ok: false, reason });
  });

  it("limits the payload to 256 KiB of UTF-8, counting multi-byte characters", () => {
    const filler = (n: number) => envelope({ pad: "x".repeat(n) });
    const base = filler(0).length;
    expect(parseEnvelope(filler(MAX_PAYLOAD_BYTES - base)).ok).toBe(true); // exactly 262,144 bytes
    expect(parseEnvelope(filler(MAX_PAYLOAD_BYTES - base + 1))).toMatchObject({
      reason: "payload_too_large",
    });
    // 90,000 × "€" (3 bytes each) = 270,000 bytes but only 90,000 UTF-16 units.
    expect(parseEnvelope(envelope({ pad: "€".repeat(90_000) }))).toMatchObject({
      reason: "payload_too_large",
    });
  });

  it("counts UTF-8 bytes like Buffer does", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(utf8ByteLength(text)).toBe(Buffer.byteLength(text, "utf8"));
      }),
    );
  });
});

describe("parseBody", () => {
  it("parses the header and readings; registers become bigint, instants Date", () => {
    const result = parseBody({
      body: body({}, [
        reading({ importWh: "9007199254740993", exportWh: 0 }), // above 2^53 as a string
        reading({
          meterId: "m-2",
          at: "2025-06-01T14:00:00+02:00",
          intervals: [
            { start: "2025-06-01T11:45:00Z", end: "2025-06-01T12:00:00Z", importWh: 10, exportWh: "0" },
          ],
        }),
      ]),
      topicGatewayId: "gw-1",
    });
    expect(result).toEqual({
      ok: true,
      header: {
        gatewayId: "gw-1",
        messageId: "2025-06-01T12:00:00Z:0001",
        sentAt: new Date("2025-06-01T12:00:05Z"),
      },
      readings: [
        {
          meterId: "m-1",
          at: new Date("2025-06-01T12:00:00Z"),
          importWh: 9007199254740993n,
          exportWh: 0n,
          intervals: [],
        },
        {
          meterId: "m-2",
          at: new Date("2025-06-01T12:00:00Z"),
          importWh: 1000n,
          exportWh: 500n,
          intervals: [
            {
              start: new Date("2025-06-01T11:45:00Z"),
              end: new Date("2025-06-01T12:00:00Z"),
              importWh: 10n,
              exportWh: 0n,
            },
          ],
        },
      ],
      rejected: [],
    });
  });

  it("rejects only the bad reading and names the field and index", () => {
    const bad = reading({ importWh: -5 });
    const result = parseBody({
      body: body({}, [reading(), reading({ meterId: "m-2" }), reading(), bad]),
      topicGatewayId: "gw-1",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.readings).toHaveLength(3);
    expect(result.rejected).toEqual([
      {
        index: 3,
        meterId: "m-1",
        reason: "malformed_reading",
        detail:
          "readings[3].importWh: must be a non-negative integer (send values above 2^53-1 as a decimal string)",
        raw: bad,
      },
    ]);
  });

  it.each([
    [
      "importWh fractional",
      reading({ importWh: 1.5 }),
      "readings[0].importWh: must be a non-negative integer",
    ],
    [
      "importWh above 2^53-1 as number",
      reading({ importWh: 2 ** 53 }),
      "readings[0].importWh: must be a non-negative integer",
    ],
    [
      "exportWh missing",
      reading({ exportWh: undefined }),
      "readings[0].exportWh: must be a non-negative integer",
    ],
    [
      "exportWh as signed string",
      reading({ exportWh: "+5" }),
      "readings[0].exportWh: must be a non-negative integer",
    ],
    [
      "exportWh above 2^63-1",
      reading({ exportWh: "9223372036854775808" }),
      "readings[0].exportWh: must be at most 2^63-1",
    ],
    ["exportWh null", reading({ exportWh: null }), "readings[0].exportWh: must be a non-negative integer"],
    [
      "at without offset",
      reading({ at: "2025-06-01T12:00:00" }),
      "readings[0].at: must be an ISO-8601 instant",
    ],
    ["meterId with slash", reading({ meterId: "a/b" }), "readings[0].meterId: must match"],
    ["intervals not an array", reading({ intervals: {} }), "readings[0].intervals: must be an array"],
    [
      "interval ending before it starts",
      reading({
        intervals: [{ start: "2025-06-01T12:00:00Z", end: "2025-06-01T11:45:00Z", importWh: 0, exportWh: 0 }],
      }),
      "readings[0].intervals[0]: start must be before end",
    ],
    [
      "interval with negative energy",
      reading({
        intervals: [
          { start: "2025-06-01T11:45:00Z", end: "2025-06-01T12:00:00Z", importWh: -1, exportWh: 0 },
        ],
      }),
      "readings[0].intervals[0].importWh: must be a non-negative integer",
    ],
    ["reading not an object", 42, "readings[0]: must be an object"],
  ])("%s", (_name, raw, detail) => {
    const result = parseBody({ body: body({}, [raw]), topicGatewayId: "gw-1" });
    expect(result.ok && result.readings.length === 0 && result.rejected[0]?.detail).toContain(detail);
  });

  it("lists every problem of a reading", () => {
    const result = parseBody({ body: body({}, [{ meterId: "m-1", at: "noon" }]), topicGatewayId: "gw-1" });
    expect(result.ok && result.rejected[0]?.detail).toBe(
      "readings[0].at: must be an ISO-8601 instant with Z or an offset; " +
        "readings[0].importWh: must be a non-negative integer; readings[0].exportWh: must be a non-negative integer",
    );
  });

  it.each([
    ["not JSON", "nope", "malformed_json"],
    ["an array", "[]", "malformed_envelope"],
    ["version 2", body({ v: 2 }), "unsupported_version"],
    ["missing gatewayId", body({ gatewayId: undefined }), "malformed_envelope"],
    ["another gateway", body({ gatewayId: "gw-2" }), "gateway_mismatch"],
    ["missing messageId", body({ messageId: undefined }), "malformed_envelope"],
    ["messageId of 65 chars", body({ messageId: "a".repeat(65) }), "malformed_envelope"],
    ["messageId with space", body({ messageId: "a b" }), "malformed_envelope"],
    ["sentAt without offset", body({ sentAt: "2025-06-01T12:00:05" }), "malformed_envelope"],
    ["readings missing", body({ readings: undefined }), "malformed_envelope"],
    [
      "1001 readings",
      body(
        {},
        Array.from({ length: MAX_READINGS_PER_MESSAGE + 1 }, () => 0),
      ),
      "payload_too_large",
    ],
  ])("rejects the whole message: %s", (_name, text, reason) => {
    expect(parseBody({ body: text, topicGatewayId: "gw-1" })).toMatchObject({ ok: false, reason });
  });

  it("accepts an empty batch (heartbeat)", () => {
    expect(parseBody({ body: body(), topicGatewayId: "gw-1" })).toMatchObject({
      ok: true,
      readings: [],
      rejected: [],
    });
  });

  it("never throws, and keeps or rejects every reading", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.jsonValue(),
            fc.record({
              meterId: fc.string(),
              at: fc.string(),
              importWh: fc.jsonValue(),
              exportWh: fc.nat(),
            }),
          ),
        ),
        (readings) => {
          const result = parseBody({ body: body({}, readings), topicGatewayId: "gw-1" });
          expect(result.ok).toBe(true);
          if (result.ok) expect(result.readings.length + result.rejected.length).toBe(readings.length);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => parseBody({ body: text, topicGatewayId: "gw-1" })).not.toThrow();
        expect(() => parseEnvelope(text)).not.toThrow();
      }),
    );
  });
});

describe("gatewayIdFromTopic", () => {
  it.each([
    ["c4e/v1/gateways/gw-7/readings", "c4e/v1", "gw-7"],
    ["site/a/gateways/gw:7.x_y/readings", "site/a", "gw:7.x_y"],
    ["c4e/v1/gateways//readings", "c4e/v1", null],
    ["c4e/v1/gateways/a/b/readings", "c4e/v1", null],
    ["c4e/v1/gateways/+/readings", "c4e/v1", null],
    ["c4e/v1/gateways/gw-7/readings/extra", "c4e/v1", null],
    ["c4e/v2/gateways/gw-7/readings", "c4e/v1", null],
    ["/c4e/v1/gateways/gw-7/readings", "c4e/v1", null],
    ["c4e/v1/gateways/readings", "c4e/v1", null],
  ])("%s (root %s) → %s", (topic, root, expected) => {
    expect(gatewayIdFromTopic(topic, root)).toBe(expected);
  });

  it("defaults the root to c4e/v1 and inverts readingsTopic", () => {
    expect(gatewayIdFromTopic(readingsTopic("gw-9"))).toBe("gw-9");
  });
});

describe("reject reasons", () => {
  it("has a one-line text for every code", () => {
    expect(Object.keys(REJECT_REASON_TEXT).sort()).toEqual([...REJECT_REASONS].sort());
    for (const text of Object.values(REJECT_REASON_TEXT)) expect(text).toMatch(/^[^\n]{10,}$/);
  });
});
