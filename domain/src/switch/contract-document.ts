import { createHash } from "node:crypto";

/**
 * How the POD is metered, as the prospect declares it: `slp` a standard meter read once a year (billed
 * by standard load profile), `amr` a smart meter with interval data (iMSys / RLM).
 */
export type SwitchMeteringKind = "slp" | "amr";

export const SWITCH_METERING_KINDS: readonly SwitchMeteringKind[] = ["slp", "amr"];

/** The format new drafts are written in (2 added `pointOfDelivery.meteringKind`). */
export const CONTRACT_DOCUMENT_FORMAT = "c4e-supply-contract/2";

/**
 * The supply contract a prospect signs: everything that binds both sides, nothing else. A stored
 * document is never rewritten: its hash is what was signed. Format 1 documents (signed before the
 * metering kind was asked) have no `meteringKind` and still hash to what their signers signed.
 */
export type ContractDocument = {
  /** document format; bump when fields change */
  format: "c4e-supply-contract/1" | typeof CONTRACT_DOCUMENT_FORMAT;
  reference: string;
  supplier: { retailerId: string; name: string };
  product: { code: string; version: number; name: string; currency: string; tariff: unknown };
  customer: { fullName: string; email: string };
  pointOfDelivery: {
    identifier: string;
    kind: string;
    supplyAddress: string;
    currentSupplier: string;
    meterNumber: string;
    meterReadingKwh: string;
    meterReadingDate: string;
    annualConsumptionKwh: number;
    /** format 2 and later; absent in format 1 (those PODs were activated as slp) */
    meteringKind?: SwitchMeteringKind;
  };
  desiredStart: string;
  withdrawalDays: number;
};

/**
 * Canonical JSON: object keys sorted (code-unit order) at every level, no whitespace, arrays in order.
 * The same document always gives the same text, whatever order its keys were built in.
 */
/** The metering kind a document binds: format 1 predates the question, and such PODs were SLP. */
export function documentMeteringKind(document: ContractDocument): SwitchMeteringKind {
  return document.pointOfDelivery.meteringKind ?? "slp";
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new RangeError("not a finite number");
    if (value === undefined) throw new TypeError("undefined has no JSON form");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The document's canonical text and its sha256 as 0x-hex (the `bytes32` the customer signs). */
export function hashContractDocument(document: ContractDocument): { text: string; hash: `0x${string}` } {
  const text = canonicalJson(document);
  return { text, hash: `0x${createHash("sha256").update(text, "utf8").digest("hex")}` };
}
