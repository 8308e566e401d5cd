// c4e-test: needs no machine services (npm run test:integration skips this file)
import { describe, expect, it } from "vitest";
import { ConfigError, parseServerConfig } from "@/env.ts";

const valid = {
  DATABASE_URL: "postgresql://c4e:s3cret@127.0.0.1:5432/c4e",
  RPC_URL: "http://127.0.0.1:8545",
  CHAIN_ID: "31337",
  TOKEN_ADDRESS: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  REWARD_MINTER_ADDRESS: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  MQTT_URL: "mqtt://127.0.0.1:1883",
  WEB_ORIGIN: "http://localhost:3000/",
};

describe("web config", () => {
  it("parses a valid environment", () => {
    expect(parseServerConfig(valid)).toEqual({
      databaseUrl: valid.DATABASE_URL,
      rpcUrl: valid.RPC_URL,
      chainId: 31337,
      tokenAddress: valid.TOKEN_ADDRESS,
      rewardMinterAddress: valid.REWARD_MINTER_ADDRESS,
      perksAddress: null,
      greenCertificatesAddress: null,
      mqttUrl: valid.MQTT_URL,
      webOrigin: "http://localhost:3000",
      devWallet: false,
      sessionTtlHours: 12,
      publicRetailerId: null,
      switchActivationMinutes: 60,
      switchDraftLimits: { perIpPerHour: 20, perPodPerDay: 5 },
      siweNoncesPerIpPerMinute: 30,
      trustedProxies: 0,
    });
  });

  it("takes the switch draft limits", () => {
    const c = parseServerConfig({
      ...valid,
      SWITCH_DRAFTS_PER_IP_PER_HOUR: "100",
      SWITCH_DRAFTS_PER_POD_PER_DAY: "2",
    });
    expect(c.switchDraftLimits).toEqual({ perIpPerHour: 100, perPodPerDay: 2 });
  });

  it("takes the optional perks and certificates addresses", () => {
    const c = parseServerConfig({
      ...valid,
      PERKS_ADDRESS: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
      GREEN_CERTIFICATES_ADDRESS: "",
    });
    expect(c.perksAddress).toBe("0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9");
    expect(c.greenCertificatesAddress).toBeNull();
    expect(() => parseServerConfig({ ...valid, PERKS_ADDRESS: "0x12" })).toThrow(/PERKS_ADDRESS/);
  });

  it("takes the nonce limit and the number of trusted proxies", () => {
    const c = parseServerConfig({ ...valid, SIWE_NONCES_PER_IP_PER_MINUTE: "5", TRUSTED_PROXIES: "2" });
    expect(c.siweNoncesPerIpPerMinute).toBe(5);
    expect(c.trustedProxies).toBe(2);
  });

  it("honours DEV_WALLET on the local chain 31337 and refuses it on any other, naming it", () => {
    expect(parseServerConfig({ ...valid, DEV_WALLET: "1" }).devWallet).toBe(true);
    expect(parseServerConfig({ ...valid, DEV_WALLET: "0" }).devWallet).toBe(false);
    expect(parseServerConfig({ ...valid, DEV_WALLET: "0", CHAIN_ID: "8453" }).devWallet).toBe(false);
    for (const chainId of ["8453", "1", "1337"]) {
      expect(() => parseServerConfig({ ...valid, DEV_WALLET: "1", CHAIN_ID: chainId })).toThrow(ConfigError);
      expect(() => parseServerConfig({ ...valid, DEV_WALLET: "1", CHAIN_ID: chainId })).toThrow(
        /DEV_WALLET: must be off \(0\) on chain \d+: the development wallet is for the local chain 31337 only/,
      );
    }
  });

  it.each([
    ["CHAIN_ID", "abc"],
    ["CHAIN_ID", "-1"],
    ["TOKEN_ADDRESS", "0x1234"],
    ["REWARD_MINTER_ADDRESS", undefined],
    ["DATABASE_URL", "mysql://x"],
    ["RPC_URL", "ws://127.0.0.1:8545"],
    ["MQTT_URL", "http://broker"],
    ["WEB_ORIGIN", "http://localhost:3000/app"],
    ["DEV_WALLET", "yes"],
    ["SESSION_TTL_HOURS", "0"],
    ["SWITCH_ACTIVATION_MINUTES", "-5"],
    ["SWITCH_ACTIVATION_MINUTES", "1.5"],
    ["SWITCH_DRAFTS_PER_IP_PER_HOUR", "0"],
    ["SWITCH_DRAFTS_PER_IP_PER_HOUR", "ten"],
    ["SWITCH_DRAFTS_PER_POD_PER_DAY", "2.5"],
    ["SWITCH_DRAFTS_PER_POD_PER_DAY", "1001"],
    ["SIWE_NONCES_PER_IP_PER_MINUTE", "0"],
    ["SIWE_NONCES_PER_IP_PER_MINUTE", "many"],
    ["TRUSTED_PROXIES", "-1"],
    ["TRUSTED_PROXIES", "yes"],
  ])("names %s when its value (%s) is bad, without echoing values", (name, value) => {
    const env = { ...valid, [name]: value };
    expect(() => parseServerConfig(env)).toThrow(ConfigError);
    try {
      parseServerConfig(env);
    } catch (e) {
      expect((e as Error).message).toContain(`${name}:`);
      expect((e as Error).message).not.toContain("s3cret");
    }
  });
});
