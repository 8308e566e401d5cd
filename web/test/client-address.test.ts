// c4e-test: needs no machine services (npm run test:integration skips this file)
// The client address the per-client limits count and the switch trail records: the TCP peer unless
// TRUSTED_PROXIES says reverse proxies append to X-Forwarded-For; never what a client writes itself.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress, PEER_HEADER, peerAddress, tagPeerAddresses } from "@/server/core/client-address.ts";

/** Headers as a route handler sees them, from a request to a plain Node server of this process. */
let server: http.Server;
let port: number;
beforeAll(async () => {
  tagPeerAddresses(); // as instrumentation.ts does in the web server
  server = http.createServer((req, res) => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    res.end(JSON.stringify({ peer: peerAddress(headers), client: clientAddress(headers, 0) }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function ask(headers: Record<string, string>, localAddress = "127.0.0.1") {
  return new Promise<{ peer: string | null; client: string | null }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, localAddress, headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve(JSON.parse(body)));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("peer address", () => {
  it("is the TCP peer of the request, whatever the client writes in X-Forwarded-For or the tag", async () => {
    expect(await ask({})).toEqual({ peer: "127.0.0.1", client: "127.0.0.1" });
    expect(await ask({ "x-forwarded-for": "6.6.6.6", [PEER_HEADER]: "guess 6.6.6.6" })).toEqual({
      peer: "127.0.0.1",
      client: "127.0.0.1",
    });
    expect(await ask({}, "127.0.0.2")).toEqual({ peer: "127.0.0.2", client: "127.0.0.2" });
  });

  it("is unknown for a tag this process did not make", () => {
    expect(peerAddress(new Headers({ [PEER_HEADER]: "0123 203.0.113.7" }))).toBeNull();
    expect(peerAddress(new Headers())).toBeNull();
  });
});

describe("clientAddress", () => {
  const xff = (value: string) => new Headers({ "x-forwarded-for": value });

  it("ignores X-Forwarded-For without trusted proxies", () => {
    expect(clientAddress(xff("203.0.113.7"), 0)).toBeNull();
  });

  it("takes the entry the nearest trusted proxy appended, not the client's own entries", () => {
    expect(clientAddress(xff("6.6.6.6, 203.0.113.7"), 1)).toBe("203.0.113.7");
    expect(clientAddress(xff("6.6.6.6, 203.0.113.7, 10.0.0.2"), 2)).toBe("203.0.113.7");
    expect(clientAddress(xff("203.0.113.7"), 2)).toBe("203.0.113.7"); // fewer entries: the leftmost
    expect(clientAddress(xff("::ffff:198.51.100.2"), 1)).toBe("198.51.100.2");
    expect(clientAddress(xff("2001:DB8::1"), 1)).toBe("2001:db8::1");
    expect(clientAddress(xff("6.6.6.6, not-an-ip"), 1)).toBeNull();
  });
});
