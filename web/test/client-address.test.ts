// The client address recorded with a switch signature: the nearest proxy's entry, never a forged one.
import { describe, expect, it } from "vitest";
import { clientIp } from "../src/server/switch-store.ts";

describe("clientIp", () => {
  it("takes the last X-Forwarded-For entry (appended by the nearest proxy), not the client's", () => {
    const headers = new Headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.7" });
    expect(clientIp(headers)).toBe("203.0.113.7");
  });

  it("falls back to X-Real-IP, and is null without either", () => {
    expect(clientIp(new Headers({ "x-real-ip": " 198.51.100.2 " }))).toBe("198.51.100.2");
    expect(clientIp(new Headers())).toBeNull();
  });
});
