import { pbkdf2Sync } from "node:crypto";
import { HDKey, type HDAccount, mnemonicToAccount } from "viem/accounts";

/**
 * The local Hardhat chain's well-known development accounts (public test mnemonic). Only ever used
 * on chain 31337; a real chain needs MINTER_PRIVATE_KEY and DEPLOYER_PRIVATE_KEY.
 */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Chain id of the local development chain (`hardhat node`, the one `npm start` runs itself). */
export const LOCAL_CHAIN_ID = 31337;

export const DEV_ACCOUNT_INDEX = { deployer: 0, minter: 1, prosumers: [2, 3, 4] } as const;

export function devAccount(index: number): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}

export function devPrivateKey(index: number): `0x${string}` {
  const key = devAccount(index).getHdKey().privateKey;
  if (!key) throw new Error(`no private key for dev account ${index}`);
  return `0x${Buffer.from(key).toString("hex")}`;
}

/** How many accounts of the development mnemonic `devKeyIndex` knows (Hardhat funds 20, anvil 10). */
export const DEV_KEYS_CHECKED = 100;

let devKeys: Map<string, number> | undefined;

/**
 * The account index of a private key of the public development mnemonic (accounts 0 … 99 of the
 * standard path m/44'/60'/0'/0/i), or null for any other key. Such keys are public: a service signing
 * with one on a real chain hands its role to anyone.
 */
export function devKeyIndex(privateKey: string): number | null {
  if (!devKeys) {
    // BIP-39 seed (PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic"), derived once; then each account
    const seed = pbkdf2Sync(DEV_MNEMONIC.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
    const parent = HDKey.fromMasterSeed(seed).derive("m/44'/60'/0'/0");
    devKeys = new Map();
    for (let i = 0; i < DEV_KEYS_CHECKED; i++) {
      const key = parent.deriveChild(i).privateKey;
      if (key) devKeys.set(Buffer.from(key).toString("hex"), i);
    }
  }
  return devKeys.get(privateKey.trim().toLowerCase().replace(/^0x/, "")) ?? null;
}

/**
 * Defence in depth for the demo: its data hands out development accounts (public keys) as staff and
 * customer wallets and gateways whose keys anyone can derive. Throws unless `chainId` is the local
 * development chain.
 */
export function assertLocalDevChain(chainId: number, what: string): void {
  if (chainId !== LOCAL_CHAIN_ID) {
    throw new Error(
      `${what} refused on chain ${chainId}: demo data and development keys belong on the local development chain ${LOCAL_CHAIN_ID} only`,
    );
  }
}
