import { randomBytes } from "node:crypto";
import http from "node:http";
import { isIP } from "node:net";

// The client's address of a request, for the per-client limits (switch drafts, SIWE nonces) and the
// switch audit trail. Next.js hands route handlers and server actions the request's headers but not
// its socket, and it fills X-Forwarded-For with the socket address only when the client sent none,
// so that header alone proves nothing. The server process therefore tags every request with its TCP
// peer's address (`tagPeerAddresses`, installed by instrumentation.ts) under a per-process token a
// client cannot know; X-Forwarded-For is read only when TRUSTED_PROXIES says proxies append to it.

/** Request header carrying `<token> <peer address>`, set by the server for every request. */
export const PEER_HEADER = "x-c4e-peer";

type TagHolder = { __c4ePeerToken?: string };
// route bundles and the instrumentation bundle are separate module instances: share via globalThis
const holder = globalThis as typeof globalThis & TagHolder;

/**
 * Tags every request the Node.js HTTP server of this process receives with its TCP peer's address
 * (overwriting whatever a client sent in that header). Idempotent. Requests received before this runs
 * (the first ones while the server starts) carry no valid tag: their peer counts as unknown.
 */
export function tagPeerAddresses(): void {
  if (holder.__c4ePeerToken) return;
  const token = randomBytes(16).toString("hex");
  holder.__c4ePeerToken = token;
  const proto = http.Server.prototype as unknown as {
    emit: (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  };
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request" || event === "checkContinue" || event === "checkExpectation") {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_HEADER] = `${token} ${req.socket?.remoteAddress ?? ""}`;
    }
    return emit.call(this, event, ...args);
  };
}

/** `::ffff:203.0.113.7` → `203.0.113.7`; anything that is not an IP address → null. */
function normalizeIp(value: string | undefined): string | null {
  const v = value?.trim().replace(/^\[(.*)\]$/, "$1");
  if (!v) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v)?.[1];
  const ip = mapped ?? v;
  return isIP(ip) ? ip.toLowerCase() : null;
}

/** The TCP peer's address from the server's tag, or null (no tag, or one not made by this process). */
export function peerAddress(headers: Headers): string | null {
  const token = holder.__c4ePeerToken;
  const tag = headers.get(PEER_HEADER);
  if (!token || !tag) return null;
  const [given, address] = tag.split(" ");
  return given === token ? normalizeIp(address) : null;
}

/**
 * The client's address: with `trustedProxies` = 0 the TCP peer (X-Forwarded-For is ignored); with n
 * reverse proxies that each append the address they saw (nginx `$proxy_add_x_forwarded_for`), the
 * n-th X-Forwarded-For entry from the right (entries further left come from the client and can be
 * forged), or the leftmost one when there are fewer. Null when unknown: such requests share one bucket.
 */
export function clientAddress(headers: Headers, trustedProxies: number): string | null {
  if (trustedProxies <= 0) return peerAddress(headers);
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  if (entries.length === 0) return peerAddress(headers);
  return normalizeIp(entries[Math.max(entries.length - trustedProxies, 0)]);
}
