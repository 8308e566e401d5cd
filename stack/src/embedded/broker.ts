import net from "node:net";
import { Aedes } from "aedes";
import { assertPortFree } from "./ports.ts";

export type EmbeddedBrokerHandle = { url: string; stop: () => Promise<void> };

/** An in-process MQTT broker (aedes) on 127.0.0.1:port. */
export async function startEmbeddedBroker({ port }: { port: number }): Promise<EmbeddedBrokerHandle> {
  await assertPortFree(port, "MQTT broker", "MQTT_URL");
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  const sockets = new Set<net.Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
