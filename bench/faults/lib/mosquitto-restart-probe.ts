// Probe (not a fault case): a subscriber like ingest (deferred acks released 2 s later, the same
// MQTT.js client reconnecting by itself) while Mosquitto with c4e.conf restarts with n messages in
// flight: are all delivered again? Usage: npx tsx bench/faults/lib/mosquitto-restart-probe.ts [1000]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installDeferredAck } from "@c4e/ingest";
import mqtt from "mqtt";
import { freePort } from "@c4e/stack/embedded/ports";
import { sleep } from "./common.ts";
import { prepareMosquitto } from "./mosquitto.ts";

const n = Number(process.argv[2] ?? 1000);
/** publishers, each its own connection and user (as the fleet) */
const publishers = Number(process.argv[3] ?? 1);
const dir = mkdtempSync(join(tmpdir(), "mqprobe-"));
const gateways = Array.from({ length: publishers }, (_, i) => `gw${i}`);
const m = prepareMosquitto(dir, await freePort(), ["c4e-ingest", ...gateways]);
await m.start();
const sub = mqtt.connect(m.url("c4e-ingest"), {
  clientId: "probe-ingest",
  clean: false,
  reconnectPeriod: 1000,
});
sub.on("error", () => {});
const got = new Set<string>();
let dups = 0;
installDeferredAck(sub, (h) => {
  got.add(h.payload.toString());
  if (h.redelivered) dups++;
  setTimeout(() => h.release(), 2000);
});
await new Promise((r) => sub.once("connect", r));
await sub.subscribeAsync("c4e/v1/gateways/#", { qos: 1 });
const pubs = await Promise.all(gateways.map((g) => mqtt.connectAsync(m.url(g), { clientId: g })));
await Promise.all(
  Array.from({ length: n }, (_, i) =>
    (pubs[i % publishers] as mqtt.MqttClient).publishAsync(
      `c4e/v1/gateways/gw${i % publishers}/readings`,
      `m${i}`,
      { qos: 1 },
    ),
  ),
);
await sleep(200);
console.log("received before restart", got.size);
await Promise.all(pubs.map((p) => p.endAsync()));
await m.stop();
await sleep(500);
await m.start();
await sleep(8000);
console.log("received in all", got.size, "of", n, "missing", n - got.size, "redelivered", dups);
sub.end(true);
await m.stop();
process.exit(0);
