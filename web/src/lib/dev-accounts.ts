import type { Address } from "viem";

/** What a development account stands for in the demo (see stack/src/dev-accounts.ts and the seed). */
export type DevAccountKind =
  "prosumer" | "retailer_admin" | "retailer_agent" | "partner" | "property_manager";

export type DevAccount = { index: number; address: Address; kind: DevAccountKind };

/**
 * The demo prosumers of the local Hardhat chain: accounts 2, 3 and 4 of the public test mnemonic
 * "test test … junk" (see stack/src/dev-accounts.ts). Their keys are public, never use them elsewhere.
 */
export const DEV_PROSUMER_ACCOUNTS: readonly DevAccount[] = [
  { index: 2, address: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", kind: "prosumer" },
  { index: 3, address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906", kind: "prosumer" },
  { index: 4, address: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", kind: "prosumer" },
];

/**
 * Demo staff and partner accounts: 0 = retailer admin (also the contracts' deployer), 6 = retailer
 * agent, 7 = property manager, 5 = partner. Their roles come from the `web_user` rows the demo seed
 * writes, never from this list; the list only offers them in the development wallet.
 */
export const DEV_STAFF_ACCOUNTS: readonly DevAccount[] = [
  { index: 0, address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", kind: "retailer_admin" },
  { index: 6, address: "0x976EA74026E726554dB657fA54763abd0C3a0aa9", kind: "retailer_agent" },
  { index: 7, address: "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", kind: "property_manager" },
  { index: 5, address: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", kind: "partner" },
];

/** Every account the development wallet offers. */
export const DEV_ACCOUNTS: readonly DevAccount[] = [...DEV_PROSUMER_ACCOUNTS, ...DEV_STAFF_ACCOUNTS];
