import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BdewProfile, parseBdewProfile } from "@c4e/domain";
import mqtt from "mqtt";
import type pg from "pg";
import type { Fleet } from "../demo/fleet.ts";
import { demoGatewayKeyPair } from "../demo/keys.ts";
import { encodeGatewayMessage, type SimulatedReading } from "./gateway-message.ts";
import { householdInterval, noise } from "./household.ts";

const INTERVAL_MS = 15 * 60_000;
const PROFILE_CSV = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "data", "bdew-h25.csv");

export function loadH25Profile(): BdewProfile {
  return parseBdewProfile(readFileSync(PROFILE_CSV, "utf8"));
}

type Registers = { importWh: bigint; exportWh: bigint };

export type SimulatorConfig = {
  mqttUrl: string;
  topicRoot: string;
  fleet: Fleet;
  /** how many simulated seconds pass per real second while catching up with the present */
  speed: number;
  backfillHours: number;
  /** latest stored registers per meter, so a second start continues the cumulative counters */
  pool?: pg.Pool;
  log: (msg: string, fields?: object) => void;
  now?: () => Date;
};

export type Simulator = {
  start(): Promise<void>;
  stop(): Promise<void>;
  published(): number;
  simulatedUntil(): Date;
};

/**
 * A fleet of gateways publishing signed 15-minute readings. It starts `backfillHours` in the past (or
 * after the last stored reading), replays time `speed` times faster than real time until it reaches
 * the present, then continues in real time: it never publishes an instant in the future.
 */
export function createSimulator(config: SimulatorConfig): Simulator {
  const now = config.now ?? (() => new Date());
  const profile = loadH25Profile();
  const keys = new Map(config.fleet.gateways.map((g) => [g.id, demoGatewayKeyPair(g.id).privateKey]));
  const registers = new Map<string, Registers>();
  /** per household (keyed by its grid meter): the latest instant already stored, so nothing is sent twice */
  const lastReported = new Map<string, number>();
  const householdOf = new Map(
    config.fleet.gateways.flatMap((g) =>
      g.households.flatMap((h) => [
        [h.gridMeterId, h.gridMeterId],
        [h.pvMeterId, h.gridMeterId],
      ]),
    ),
  );
  let client: mqtt.MqttClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let cursor = new Date(0);
  let published = 0;
  let wallStart = 0;
  let simStart = 0;
  let stepping = false;

  async function initialState(): Promise<void> {
    const aligned =
      Math.floor((now().getTime() - config.backfillHours * 3_600_000) / INTERVAL_MS) * INTERVAL_MS;
    cursor = new Date(aligned);
    const meterIds = config.fleet.gateways.flatMap((g) =>
      g.households.flatMap((h) => [h.gridMeterId, h.pvMeterId]),
    );
    for (const id of meterIds) registers.set(id, { importWh: 0n, exportWh: 0n });
    if (!config.pool) return;
    const { rows } = await config.pool.query<{
      meter_id: string;
      register: string;
      at: Date;
      value_wh: string;
    }>(
      `SELECT DISTINCT ON (meter_id, register) meter_id, register, at, value_wh
         FROM reading WHERE meter_id = ANY($1) ORDER BY meter_id, register, at DESC`,
      [meterIds],
    );
    for (const r of rows) {
      const regs = registers.get(r.meter_id) ?? { importWh: 0n, exportWh: 0n };
      if (r.register === "import") regs.importWh = BigInt(r.value_wh);
      else regs.exportWh = BigInt(r.value_wh);
      registers.set(r.meter_id, regs);
      const household = householdOf.get(r.meter_id);
      if (household) lastReported.set(household, Math.max(lastReported.get(household) ?? 0, r.at.getTime()));
    }
    // start where the least advanced household stopped (new ones start at the backfill start)
    const starts = config.fleet.gateways.flatMap((g) =>
      g.households.map((h) => Math.max(aligned, lastReported.get(h.gridMeterId) ?? 0)),
    );
    cursor = new Date(Math.floor(Math.min(...starts) / INTERVAL_MS) * INTERVAL_MS);
  }

  /** Simulated time: catches up with the present at `speed`, then follows the wall clock. */
  function simulatedNow(): number {
    return Math.min(now().getTime(), simStart + (Date.now() - wallStart) * config.speed);
  }

  async function publishStep(end: Date): Promise<void> {
    const start = new Date(end.getTime() - INTERVAL_MS);
    for (const gateway of config.fleet.gateways) {
      const readings: SimulatedReading[] = [];
      const due = gateway.households.filter((h) => (lastReported.get(h.gridMeterId) ?? 0) < end.getTime());
      if (due.length === 0) continue;
      for (const h of due) {
        lastReported.set(h.gridMeterId, end.getTime());
        const e = householdInterval({ household: h, profile, start });
        const grid = registers.get(h.gridMeterId) ?? { importWh: 0n, exportWh: 0n };
        const pv = registers.get(h.pvMeterId) ?? { importWh: 0n, exportWh: 0n };
        grid.importWh += e.importWh;
        grid.exportWh += e.exportWh;
        pv.exportWh += BigInt(e.pvWh);
        registers.set(h.gridMeterId, grid);
        registers.set(h.pvMeterId, pv);
        readings.push(
          {
            meterId: h.gridMeterId,
            at: end,
            ...grid,
            intervals: [{ start, end, importWh: e.importWh, exportWh: e.exportWh }],
          },
          {
            meterId: h.pvMeterId,
            at: end,
            ...pv,
            intervals: [{ start, end, importWh: 0n, exportWh: BigInt(e.pvWh) }],
          },
        );
      }
      const privateKey = keys.get(gateway.id);
      if (!privateKey || !client) return;
      const payload = encodeGatewayMessage({
        gatewayId: gateway.id,
        // deterministic, so a resend after a restart is recognised as a duplicate; a gateway that only
        // reports some of its households (others already stored) gets its own id for that subset
        messageId:
          due.length === gateway.households.length
            ? `${gateway.id}:${end.toISOString()}`
            : `${gateway.id}:${end.toISOString()}:${due.length}-${Math.floor(noise(due.map((h) => h.gridMeterId).join()) * 1e9)}`,
        sentAt: new Date(Math.max(end.getTime(), simulatedNow())),
        readings,
        privateKey,
      });
      await client.publishAsync(`${config.topicRoot}/gateways/${gateway.id}/readings`, payload, { qos: 1 });
      published++;
    }
  }

  async function step(): Promise<void> {
    if (stepping) return;
    stepping = true;
    try {
      // publish every interval that has ended in simulated time; bounded per tick so stop() stays responsive
      for (let i = 0; i < 8; i++) {
        const next = new Date(cursor.getTime() + INTERVAL_MS);
        if (next.getTime() > simulatedNow()) break;
        await publishStep(next);
        cursor = next;
      }
    } catch (err) {
      config.log("simulator: publish failed, retrying", { error: (err as Error).message });
    } finally {
      stepping = false;
    }
  }

  return {
    async start() {
      await initialState();
      client = await mqtt.connectAsync(config.mqttUrl, {
        clientId: `c4e-sim-${process.pid}`,
        reconnectPeriod: 1000,
      });
      wallStart = Date.now();
      simStart = cursor.getTime();
      config.log("simulator: started", {
        gateways: config.fleet.gateways.length,
        from: cursor.toISOString(),
        speed: config.speed,
      });
      timer = setInterval(() => void step(), 100);
    },
    async stop() {
      if (timer) clearInterval(timer);
      while (stepping) await new Promise((r) => setTimeout(r, 20));
      await client?.endAsync();
    },
    published: () => published,
    simulatedUntil: () => cursor,
  };
}
