import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  INVOICE_ACTIONS,
  INVOICE_STATUSES,
  type InvoiceAction,
  type InvoiceStatus,
  nextInvoiceStatus,
  statusRequiredFor,
} from "./invoice-status.ts";

describe("nextInvoiceStatus", () => {
  it.each<[InvoiceStatus, InvoiceAction, InvoiceStatus | "deleted" | "NOT_DRAFT" | "NOT_ISSUED"]>([
    ["draft", "issue", "issued"],
    ["draft", "delete", "deleted"],
    ["draft", "edit", "draft"],
    ["draft", "release_hold", "draft"],
    ["draft", "void", "NOT_ISSUED"],
    ["draft", "credit", "NOT_ISSUED"],
    ["issued", "void", "voided"],
    ["issued", "credit", "issued"],
    ["issued", "issue", "NOT_DRAFT"],
    ["issued", "edit", "NOT_DRAFT"],
    ["issued", "delete", "NOT_DRAFT"],
    ["voided", "void", "NOT_ISSUED"],
    ["voided", "credit", "NOT_ISSUED"],
    ["voided", "delete", "NOT_DRAFT"],
  ])("%s + %s → %s", (status, action, expected) => {
    const t = nextInvoiceStatus(status, action);
    expect(t.ok ? t.to : t.code).toBe(expected);
  });

  it("a refusal names the status and what the action needs", () => {
    const t = nextInvoiceStatus("voided", "void");
    expect(t).toMatchObject({ ok: false, status: "voided", action: "void" });
    expect(!t.ok && t.message).toBe("cannot void an invoice that is voided (needs issued)");
  });

  const status = fc.constantFrom(...INVOICE_STATUSES);
  const action = fc.constantFrom(...INVOICE_ACTIONS);

  it("property: an action is allowed exactly from the status it requires", () => {
    fc.assert(
      fc.property(status, action, (s, a) => {
        expect(nextInvoiceStatus(s, a).ok).toBe(s === statusRequiredFor(a));
      }),
    );
  });

  it("property: no sequence of actions leads back to draft once issued, and voided is final", () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 12 }), (actions) => {
        let s: InvoiceStatus | "deleted" = "draft";
        let issued = false;
        for (const a of actions) {
          if (s === "deleted") break;
          const before: InvoiceStatus = s;
          const t = nextInvoiceStatus(before, a);
          if (before === "voided") expect(t.ok).toBe(false);
          if (t.ok) s = t.to;
          if (s === "issued") issued = true;
          if (issued) expect(s).not.toBe("draft");
          if (issued) expect(s).not.toBe("deleted");
        }
      }),
    );
  });
});
