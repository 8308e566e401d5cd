import { type KeyObject, sign } from "node:crypto";

export type SimulatedReading = {
  meterId: string;
  at: Date;
  importWh: bigint;
  exportWh: bigint;
  intervals?: { start: Date; end: Date; importWh: bigint; exportWh: bigint }[];
};

/** Builds the signed MQTT payload of docs/gateway-message.md: Ed25519 over the UTF-8 bytes of `body`. */
export function encodeGatewayMessage(params: {
  gatewayId: string;
  messageId: string;
  sentAt: Date;
  readings: SimulatedReading[];
  privateKey: KeyObject;
}): string {
  const body = JSON.stringify({
    v: 1,
    gatewayId: params.gatewayId,
    messageId: params.messageId,
    sentAt: params.sentAt.toISOString(),
    readings: params.readings.map((r) => ({
      meterId: r.meterId,
      at: r.at.toISOString(),
      importWh: r.importWh.toString(),
      exportWh: r.exportWh.toString(),
      ...(r.intervals
        ? {
            intervals: r.intervals.map((i) => ({
              start: i.start.toISOString(),
              end: i.end.toISOString(),
              importWh: i.importWh.toString(),
              exportWh: i.exportWh.toString(),
            })),
          }
        : {}),
    })),
  });
  return signEnvelope(body, params.privateKey);
}

/** The envelope of a body string: `{"v":1,"alg":"ed25519","body":"…","sig":"<Ed25519 over the body's UTF-8>"}`. */
export function signEnvelope(body: string, privateKey: KeyObject): string {
  const sig = sign(null, Buffer.from(body, "utf8"), privateKey).toString("base64");
  return JSON.stringify({ v: 1, alg: "ed25519", body, sig });
}
