import { type HDAccount, mnemonicToAccount } from "viem/accounts";

/**
 * The local Hardhat chain's well-known development accounts (public test mnemonic). Only ever used
 * on chain 31337; a real chain needs MINTER_PRIVATE_KEY and DEPLOYER_PRIVATE_KEY.
 */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

export const DEV_ACCOUNT_INDEX = { deployer: 0, minter: 1, prosumers: [2, 3, 4] } as const;

export function devAccount(index: number): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}

export function devPrivateKey(index: number): `0x${string}` {
  const key = devAccount(index).getHdKey().privateKey;
  if (!key) throw new Error(`no private key for dev account ${index}`);
  return `0x${Buffer.from(key).toString("hex")}`;
}
