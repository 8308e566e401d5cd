import type { Address } from "viem";

/**
 * The demo prosumers of the local Hardhat chain: accounts 2, 3 and 4 of the public test mnemonic
 * "test test … junk" (see stack/src/dev-accounts.ts). The development wallet offers exactly these,
 * and only when DEV_WALLET=1 on chain 31337; their keys are public, never use them elsewhere.
 */
export const DEV_PROSUMER_ACCOUNTS: readonly { index: number; address: Address }[] = [
  { index: 2, address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" },
  { index: 3, address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906" },
  { index: 4, address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65" },
];
