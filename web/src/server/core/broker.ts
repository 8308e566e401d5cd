import { randomBytes } from "node:crypto";
import mqtt from "mqtt";

/** Connects to the MQTT broker and disconnects again; rejects on error, refusal or after `timeoutMs`. */
export function probeMqttBroker(url: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId: `c4e-web-health-${randomBytes(4).toString("hex")}`,
      clean: true,
      connectTimeout: timeoutMs,
      reconnectPeriod: 0,
    });
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        client.end(true);
        reject(error);
      } else {
        client.end(false, () => resolve());
      }
    };
    const timer = setTimeout(
      () => settle(new Error(`broker did not accept a connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once("connect", () => settle());
    client.once("error", (err) => settle(err));
    client.once("close", () => settle(new Error("broker closed the connection")));
  });
}
