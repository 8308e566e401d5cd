/**
 * The EIP-712 typed data a prospect signs to conclude a supply contract. The message carries the
 * contract document's hash (so the signature binds every term) plus the fields a wallet shows.
 */
export const SUPPLY_CONTRACT_TYPES = {
  SupplyContract: [
    { name: "reference", type: "string" },
    { name: "contractHash", type: "bytes32" },
    { name: "productCode", type: "string" },
    { name: "productVersion", type: "uint32" },
    { name: "pod", type: "string" },
    { name: "fullName", type: "string" },
  ],
} as const;

export type SupplyContractMessage = {
  reference: string;
  contractHash: `0x${string}`;
  productCode: string;
  productVersion: number;
  pod: string;
  fullName: string;
};

/** Typed data for `signTypedData` / `verifyTypedData` (domain: "C4E Supply Contract", version "1"). */
export function supplyContractTypedData(chainId: number, message: SupplyContractMessage) {
  return {
    domain: { name: "C4E Supply Contract", version: "1", chainId },
    types: SUPPLY_CONTRACT_TYPES,
    primaryType: "SupplyContract" as const,
    message,
  };
}
