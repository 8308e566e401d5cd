import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A JSON-RPC proxy in front of a test chain that counts `eth_getLogs` calls and, when told, answers
 * them with HTTP 503 from the n-th on (the provider is gone mid-sync). Everything else passes through.
 */
export async function startRpcProxy(target: string) {
  const stats = { getLogs: 0, failed: 0 };
  /** When set: every eth_getLogs after this many answers 503. */
  const failure: { afterGetLogs?: number } = {};
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString();
        const request = JSON.parse(body) as { method?: string } | unknown[];
        if (!Array.isArray(request) && request.method === "eth_getLogs") {
          if (failure.afterGetLogs !== undefined && stats.getLogs >= failure.afterGetLogs) {
            stats.failed++;
            res.writeHead(503);
            res.end("gone");
            return;
          }
          stats.getLogs++;
        }
        const upstream = await fetch(target, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        const text = await upstream.text();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(text);
      })().catch((err: unknown) => {
        res.writeHead(502);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    failure,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
