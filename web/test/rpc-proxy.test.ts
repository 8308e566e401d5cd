import { describe, expect, it } from "vitest";
import { DEV_ACCOUNTS, DEV_PROSUMER_ACCOUNTS } from "@/lib/dev-accounts.ts";
import { proxyRpc, refusalOf } from "@/server/core/rpc-proxy.ts";
import { account } from "./fixtures.ts";

const dev = { rpcUrl: "http://127.0.0.1:1", devSigners: DEV_PROSUMER_ACCOUNTS.map((a) => a.address) };
const prod = { rpcUrl: "http://127.0.0.1:1", devSigners: [] };
const req = (method: string, params: unknown[] = []) => ({ jsonrpc: "2.0" as const, id: 1, method, params });

describe("RPC proxy policy", () => {
  it("lists the addresses of mnemonic accounts 2, 3 and 4 as the dev prosumers", () => {
    expect(DEV_PROSUMER_ACCOUNTS.map((a) => a.address)).toEqual([2, 3, 4].map((i) => account(i).address));
  });

  it("lets read methods through", () => {
    expect(refusalOf(req("eth_chainId"), prod)).toBeNull();
    expect(refusalOf(req("eth_call", [{}, "latest"]), prod)).toBeNull();
  });

  it("refuses state-changing and node-control methods", () => {
    for (const m of [
      "eth_sendTransaction",
      "eth_sendRawTransaction",
      "hardhat_setBalance",
      "evm_mine",
      "eth_accounts",
    ]) {
      expect(refusalOf(req(m), dev)).not.toBeNull();
    }
  });

  it("allows signing only with the dev wallet and only for its accounts", () => {
    const devAddress = DEV_PROSUMER_ACCOUNTS[0]?.address ?? "";
    expect(refusalOf(req("eth_sign", [devAddress, "0x00"]), dev)).toBeNull();
    expect(refusalOf(req("personal_sign", ["0x00", devAddress.toLowerCase()]), dev)).toBeNull();
    expect(refusalOf(req("eth_sign", [devAddress, "0x00"]), prod)).not.toBeNull();
    // account 1 is the minter: never signable through the proxy
    expect(refusalOf(req("eth_sign", [account(1).address, "0x00"]), dev)).not.toBeNull();
  });

  it("lets demo staff sign sign-in messages but never typed data; never the minter", () => {
    const all = {
      ...dev,
      devSigners: DEV_ACCOUNTS.map((a) => a.address),
      devTypedDataSigners: DEV_PROSUMER_ACCOUNTS.map((a) => a.address),
    };
    expect(DEV_ACCOUNTS.map((a) => a.index).sort()).toEqual([0, 2, 3, 4, 5, 6, 7]);
    for (const a of DEV_ACCOUNTS) expect(a.address).toBe(account(a.index).address);
    const admin = account(0).address; // retailer admin in the demo, also the deployer
    expect(refusalOf(req("personal_sign", ["0x00", admin]), all)).toBeNull();
    expect(refusalOf(req("eth_signTypedData_v4", [admin, "{}"]), all)).not.toBeNull();
    expect(refusalOf(req("eth_signTypedData_v4", [account(2).address, "{}"]), all)).toBeNull();
    expect(refusalOf(req("personal_sign", ["0x00", account(1).address]), all)).not.toBeNull();
  });

  it("sends transactions only from allowed dev accounts to allowed contracts, without ether", () => {
    const perks = "0x00000000000000000000000000000000000000b1";
    const token = "0x00000000000000000000000000000000000000a1";
    const other = "0x00000000000000000000000000000000000000ff";
    const cfg = {
      ...dev,
      devTransactions: [
        { signers: DEV_PROSUMER_ACCOUNTS.map((a) => a.address), to: [perks, token] as `0x${string}`[] },
        { signers: [account(5).address], to: [perks] as `0x${string}`[] },
      ],
    };
    const tx = (from: string, to: string | undefined, value?: string) =>
      req("eth_sendTransaction", [{ from, to, data: "0x1234", ...(value ? { value } : {}) }]);
    expect(refusalOf(tx(account(2).address, perks), cfg)).toBeNull();
    expect(refusalOf(tx(account(3).address.toLowerCase(), token, "0x0"), cfg)).toBeNull();
    expect(refusalOf(tx(account(5).address, perks), cfg)).toBeNull();
    expect(refusalOf(tx(account(5).address, token), cfg)).not.toBeNull(); // partner: perks only
    expect(refusalOf(tx(account(2).address, other), cfg)).not.toBeNull(); // another contract
    expect(refusalOf(tx(account(2).address, perks, "0x1"), cfg)).not.toBeNull(); // ether
    expect(refusalOf(tx(account(2).address, undefined), cfg)).not.toBeNull(); // deployment
    expect(refusalOf(tx(account(0).address, perks), cfg)).not.toBeNull(); // deployer / admin
    expect(refusalOf(tx(account(1).address, token), cfg)).not.toBeNull(); // minter
    expect(refusalOf(tx(account(2).address, perks), { ...cfg, devSigners: [] })).not.toBeNull(); // no dev wallet
    expect(refusalOf(tx(account(2).address, perks), dev)).not.toBeNull(); // no rules
  });

  it("answers refused requests and batches with JSON-RPC errors, and hides the upstream URL", async () => {
    expect(await proxyRpc(req("eth_sendTransaction"), prod)).toMatchObject({
      id: 1,
      error: { code: -32601 },
    });
    expect(await proxyRpc([], prod)).toMatchObject({ error: { code: -32600 } });
    expect(await proxyRpc({ nope: true }, prod)).toMatchObject({ error: { code: -32600 } });
    const down = await proxyRpc([req("eth_chainId"), req("evm_mine")], prod);
    expect(down).toMatchObject([
      { id: 1, error: { code: -32603, message: "chain RPC unavailable" } },
      { id: 1, error: { code: -32601 } },
    ]);
    expect(JSON.stringify(down)).not.toContain("127.0.0.1");
  });
});
