import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  InvoiceStateError,
  createCreditNote,
  createDraftInvoice,
  deleteDraft,
  issueInvoices,
  releaseHold,
  voidInvoice,
} from "../src/invoice-store.ts";
import { type BillingTestDb, createBillingTestDb, SAMPLE_BUYER, sampleInvoice } from "./fixtures.ts";

let t: BillingTestDb;
beforeAll(async () => {
  t = await createBillingTestDb("inv_refusals");
});
afterAll(async () => {
  await t?.close();
});

async function draft(): Promise<string> {
  return createDraftInvoice(t.pool, {
    invoice: sampleInvoice(),
    contractId: "ctr-alice",
    seriesId: "INV",
    buyer: SAMPLE_BUYER,
    paymentTermsDays: 14,
  });
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvoiceStateError);
  const e = err as InvoiceStateError;
  return { code: e.code, message: e.message };
}

describe("invoice store refusals carry the state machine's code", () => {
  it("a draft cannot be voided or credited (NOT_ISSUED); the message stays", async () => {
    const id = await draft();
    expect(await refusal(voidInvoice(t.pool, id, "x"))).toEqual({
      code: "NOT_ISSUED",
      message: `invoice ${id} is not issued`,
    });
    expect((await refusal(createCreditNote(t.pool, { originalInvoiceId: id }))).code).toBe("NOT_ISSUED");
  });

  it("an issued invoice cannot be deleted or released (NOT_DRAFT); a voided one not voided again", async () => {
    const id = await draft();
    await issueInvoices(t.pool, { invoiceIds: [id] });
    expect(await refusal(deleteDraft(t.pool, id))).toEqual({
      code: "NOT_DRAFT",
      message: `invoice ${id} is not a draft`,
    });
    expect((await refusal(releaseHold(t.pool, id, { by: "a", note: "n" }))).code).toBe("NOT_DRAFT");
    await voidInvoice(t.pool, id, "wrong customer");
    expect((await refusal(voidInvoice(t.pool, id, "again"))).code).toBe("NOT_ISSUED");
  });

  it("a draft without a hold cannot be released (NOT_HELD); an unknown id is INVOICE_NOT_FOUND", async () => {
    const id = await draft();
    expect(await refusal(releaseHold(t.pool, id, { by: "a", note: "n" }))).toEqual({
      code: "NOT_HELD",
      message: `invoice ${id} is not a held draft`,
    });
    expect((await refusal(voidInvoice(t.pool, randomUUID(), "x"))).code).toBe("INVOICE_NOT_FOUND");
  });
});
