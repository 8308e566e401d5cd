// c4e-test: needs no machine services (npm run test:integration skips this file)
import { parseEnvelope } from "@c4e/domain";
import { ed25519PublicKey, verifySignature } from "@c4e/ingest";
import { describe, expect, it } from "vitest";
import { demoFleet } from "../src/demo/fleet.ts";
import { demoGatewayKeyPair } from "../src/demo/keys.ts";
import { encodeGatewayMessage } from "../src/simulator/gateway-message.ts";
import { householdInterval, localQuarter } from "../src/simulator/household.ts";
import { loadH25Profile } from "../src/simulator/simulator.ts";

describe("simulated households", () => {
  const profile = loadH25Profile();
  const [gateway] = demoFleet({ gateways: 1, meters: 1 }).gateways;
  const household = gateway?.households[0];
  if (!household) throw new Error("fleet is empty");

  it("maps instants to Berlin local quarters across the DST switch", () => {
    // 2026-03-29 01:00Z is 03:00 CEST (the clock jumped from 02:00 to 03:00)
    expect(localQuarter(new Date("2026-03-29T00:45:00Z"), "Europe/Berlin").quarter).toBe(7); // 01:45 CET
    expect(localQuarter(new Date("2026-03-29T01:00:00Z"), "Europe/Berlin").quarter).toBe(12); // 03:00 CEST
    expect(localQuarter(new Date("2026-11-22T23:30:00Z"), "Europe/Berlin")).toEqual({
      localDate: { year: 2026, month: 11, day: 23, weekday: 1 },
      quarter: 2,
    });
  });

  it("nets load and PV into import or export, never both", () => {
    for (let h = 0; h < 96; h++) {
      const start = new Date(Date.UTC(2026, 5, 21, 0, h * 15));
      const e = householdInterval({ household, profile, start });
      expect(e.importWh === 0n || e.exportWh === 0n).toBe(true);
      expect(e.importWh - e.exportWh).toBe(BigInt(e.loadWh - e.pvWh));
    }
  });

  it("exports at a June noon and imports at midnight", () => {
    expect(
      householdInterval({ household, profile, start: new Date("2026-06-21T11:00:00Z") }).exportWh,
    ).toBeGreaterThan(0n);
    const night = householdInterval({ household, profile, start: new Date("2026-06-21T23:00:00Z") });
    expect(night.pvWh).toBe(0);
    expect(night.importWh).toBeGreaterThan(0n);
  });

  it("signs messages the way the gateway format says", () => {
    const keys = demoGatewayKeyPair("gw-0001");
    const payload = encodeGatewayMessage({
      gatewayId: "gw-0001",
      messageId: "m-1",
      sentAt: new Date("2026-11-22T10:00:00Z"),
      readings: [{ meterId: "mtr-1", at: new Date("2026-11-22T10:00:00Z"), importWh: 5n, exportWh: 7n }],
      privateKey: keys.privateKey,
    });
    const parsed = parseEnvelope(payload);
    if (!parsed.ok) throw new Error(parsed.detail);
    // verified exactly the way ingest verifies a gateway's message
    const { key: publicKey } = ed25519PublicKey(keys.publicKeyBase64);
    if (!publicKey) throw new Error("demo public key not accepted by ingest");
    const { body, sigBytes: signature } = parsed.envelope;
    expect(verifySignature({ publicKey, body, signature })).toBe(true);
    expect(verifySignature({ publicKey, body: body.replace('"5"', '"6"'), signature })).toBe(false);
    expect(demoGatewayKeyPair("gw-0001").publicKeyBase64).toBe(keys.publicKeyBase64);
    expect(demoGatewayKeyPair("gw-0002").publicKeyBase64).not.toBe(keys.publicKeyBase64);
  });
});
