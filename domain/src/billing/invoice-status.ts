/**
 * The invoice state machine: draft → issued → voided. A draft may be edited, released from hold,
 * issued or deleted; an issued invoice may only be voided or credited (by a separate credit note);
 * a voided invoice is final (EU VAT Directive Art. 233: an issued invoice's content never changes;
 * corrections are credit notes). The database trigger `billing_invoice_immutable` enforces the same
 * rule as the last guard; this function decides it before a store writes.
 */

export type InvoiceStatus = "draft" | "issued" | "voided";

/** What a caller wants to do with an invoice. `credit` creates a credit note; the original stays issued. */
export type InvoiceAction = "edit" | "release_hold" | "issue" | "delete" | "void" | "credit";

/** Why an action is refused: the status it needs. */
export type InvoiceRefusalCode = "NOT_DRAFT" | "NOT_ISSUED";

export type InvoiceTransition =
  | { ok: true; from: InvoiceStatus; to: InvoiceStatus | "deleted" }
  | { ok: false; code: InvoiceRefusalCode; status: InvoiceStatus; action: InvoiceAction; message: string };

/** The one status each action starts from, and where it leads. */
const TRANSITIONS: { [A in InvoiceAction]: { from: InvoiceStatus; to: InvoiceStatus | "deleted" } } = {
  edit: { from: "draft", to: "draft" },
  release_hold: { from: "draft", to: "draft" },
  issue: { from: "draft", to: "issued" },
  delete: { from: "draft", to: "deleted" },
  void: { from: "issued", to: "voided" },
  credit: { from: "issued", to: "issued" },
};

export const INVOICE_ACTIONS = Object.keys(TRANSITIONS) as InvoiceAction[];
export const INVOICE_STATUSES: readonly InvoiceStatus[] = ["draft", "issued", "voided"];

/**
 * The status after `action`, or a typed refusal.
 * @example nextInvoiceStatus("issued", "void") // { ok: true, from: "issued", to: "voided" }
 * @example nextInvoiceStatus("voided", "void") // { ok: false, code: "NOT_ISSUED", … }
 */
export function nextInvoiceStatus(current: InvoiceStatus, action: InvoiceAction): InvoiceTransition {
  const t = TRANSITIONS[action];
  if (current === t.from) return { ok: true, from: current, to: t.to };
  const code: InvoiceRefusalCode = t.from === "draft" ? "NOT_DRAFT" : "NOT_ISSUED";
  return {
    ok: false,
    code,
    status: current,
    action,
    message: `cannot ${action.replace("_", " ")} an invoice that is ${current} (needs ${t.from})`,
  };
}

/** The status an action needs: the `WHERE status = …` of the store's conditional UPDATE. */
export function statusRequiredFor(action: InvoiceAction): InvoiceStatus {
  return TRANSITIONS[action].from;
}
