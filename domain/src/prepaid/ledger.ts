/**
 * A prepaid account's ledger: append-only entries in integer minor units; the balance is their sum
 * and nothing else. Each kind has a sign rule (a top-up adds, a deduction takes), every entry has an
 * idempotency key (a payment provider's event id, a usage batch id) so a replay adds nothing, and a
 * reversal names the entry it cancels (once). See docs/prepaid.md.
 */
import { PrepaidError } from "./errors.ts";

export const ENTRY_KINDS = [
  "opening",
  "top_up",
  "usage",
  "fee",
  "refund",
  "reversal",
  "price_correction",
  "closing",
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** The sign each kind's amount must have: +1 credit, −1 debit, 0 either (corrections, reversals). */
const SIGN: Readonly<Record<EntryKind, 1 | -1 | 0>> = {
  opening: 0,
  top_up: 1,
  usage: -1,
  fee: -1,
  refund: -1, // money paid back to the tenant leaves the balance
  reversal: 0,
  price_correction: 0,
  closing: -1,
};

export type LedgerEntry = {
  /** unique per account: a replay with the same key is the same entry */
  key: string;
  kind: EntryKind;
  /** minor units; positive credits the account */
  amountMinor: bigint;
  /** for a reversal: the key of the entry it cancels */
  reverses?: string;
  reason?: string;
};

export type Ledger = { readonly entries: readonly LedgerEntry[]; readonly balanceMinor: bigint };

export const EMPTY_LEDGER: Ledger = { entries: [], balanceMinor: 0n };

/** The balance: the sum of the entries, always recomputed from them. */
export function balanceOf(entries: readonly LedgerEntry[]): bigint {
  return entries.reduce((sum, e) => sum + e.amountMinor, 0n);
}

/** Why an entry is refused, or undefined when it may be appended. A replay is not a refusal. */
export function entryProblem(ledger: Ledger, entry: LedgerEntry): string | undefined {
  if (entry.key.trim() === "") return "key: required (an idempotency key)";
  const sign = SIGN[entry.kind];
  if (sign === undefined) return `kind: unknown (${String(entry.kind)})`;
  if (entry.amountMinor === 0n) return "amountMinor: must not be 0";
  if (sign === 1 && entry.amountMinor < 0n) return `amountMinor: a ${entry.kind} credits the account (> 0)`;
  if (sign === -1 && entry.amountMinor > 0n) return `amountMinor: a ${entry.kind} debits the account (< 0)`;
  if (entry.kind === "opening" && ledger.entries.length > 0) return "opening: only as the first entry";
  if (ledger.entries.some((e) => e.kind === "closing")) return "the account is closed";
  if (entry.kind === "reversal" || entry.kind === "refund" || entry.kind === "price_correction") {
    if ((entry.reason ?? "").trim() === "") return `reason: required for a ${entry.kind}`;
  }
  if (entry.kind === "reversal") {
    const target = ledger.entries.find((e) => e.key === entry.reverses);
    if (target === undefined) return `reverses: no entry ${JSON.stringify(entry.reverses)}`;
    if (target.kind === "reversal") return "reverses: a reversal cannot be reversed";
    if (ledger.entries.some((e) => e.kind === "reversal" && e.reverses === entry.reverses))
      return `reverses: ${entry.reverses} is reversed already`;
    if (entry.amountMinor !== -target.amountMinor)
      return `amountMinor: a reversal of ${target.amountMinor} is ${-target.amountMinor}`;
  } else if (entry.reverses !== undefined) return "reverses: only for a reversal";
  if (entry.kind === "closing" && entry.amountMinor !== -ledger.balanceMinor)
    return `amountMinor: closing takes the balance to 0 (${-ledger.balanceMinor})`;
  return undefined;
}

/**
 * Appends an entry: the ledger unchanged when its key is there already with the same content (a
 * replay), refused when the key is there with other content or the entry breaks a rule.
 */
export function appendEntry(ledger: Ledger, entry: LedgerEntry): { ledger: Ledger; replay: boolean } {
  const same = ledger.entries.find((e) => e.key === entry.key);
  if (same !== undefined) {
    if (
      same.kind === entry.kind &&
      same.amountMinor === entry.amountMinor &&
      same.reverses === entry.reverses
    )
      return { ledger, replay: true };
    throw new PrepaidError("key_conflict", `key ${entry.key}: already used by another entry`);
  }
  const problem = entryProblem(ledger, entry);
  if (problem !== undefined) throw new PrepaidError("entry_refused", problem);
  return {
    ledger: { entries: [...ledger.entries, entry], balanceMinor: ledger.balanceMinor + entry.amountMinor },
    replay: false,
  };
}
