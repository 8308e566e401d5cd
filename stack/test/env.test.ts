import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/env.ts";

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.variable);
    throw err;
  }
  return [];
}

describe("loadConfig", () => {
  it("defaults to embedded services on ports that do not clash with the machine's", () => {
    const c = loadConfig({});
    expect(c.database).toMatchObject({ embedded: { port: 15432 } });
    expect(c.mqtt).toEqual({ embedded: { port: 11883 } });
    expect(c.chain).toEqual({ embedded: { port: 18545 } });
    expect(c.web).toEqual({ port: 3000, origin: "http://localhost:3000" });
    expect(c.settlement.periodMinutes).toBe(15);
  });

  it("switches each part to a real service through one variable", () => {
    const c = loadConfig({
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/test",
      MQTT_URL: "mqtt://127.0.0.1:1883",
      RPC_URL: "http://127.0.0.1:8545",
      MINTER_PRIVATE_KEY: `0x${"11".repeat(32)}`,
    });
    expect(c.database).toEqual({ url: "postgresql://postgres@127.0.0.1:5432/test" });
    expect(c.mqtt).toEqual({ url: "mqtt://127.0.0.1:1883" });
    expect(c.chain).toMatchObject({ rpcUrl: "http://127.0.0.1:8545" });
  });

  it("names every wrong variable", () => {
    expect(issuesOf({ DATABASE_URL: "mysql://x" })).toEqual(["DATABASE_URL"]);
    expect(issuesOf({ MQTT_URL: "not a url" })).toEqual(["MQTT_URL"]);
    expect(issuesOf({ RPC_URL: "http://127.0.0.1:8545" })).toEqual(["MINTER_PRIVATE_KEY"]);
    expect(issuesOf({ RPC_URL: "http://x", MINTER_PRIVATE_KEY: "0x1234" })).toEqual(["MINTER_PRIVATE_KEY"]);
    expect(issuesOf({ PG_PORT: "70000", WEB_PORT: "abc" }).sort()).toEqual(["PG_PORT", "WEB_PORT"]);
    expect(issuesOf({ SETTLEMENT_PERIOD_MINUTES: "7" })).toEqual(["SETTLEMENT_PERIOD_MINUTES"]);
    expect(issuesOf({ MQTT_TOPIC_ROOT: "c4e/#" })).toEqual(["MQTT_TOPIC_ROOT"]);
  });

  it("puts the variable name first in the message", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/^DATABASE_URL: must be a URL/);
  });
});
