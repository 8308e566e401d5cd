// c4e-test: needs no machine services (npm run test:integration skips this file)
import { type ContractDocument, hashContractDocument } from "@c4e/domain";
import { describe, expect, it } from "vitest";
import { renderContractPdf } from "../src/contract-pdf.ts";
import { pdfText } from "./pdf-text.ts";

const doc: ContractDocument = {
  format: "c4e-supply-contract/1",
  reference: "SW-TESTPDF1",
  supplier: { retailerId: "ret-1", name: "Green Retail" },
  product: {
    code: "GREEN-FIX",
    version: 3,
    name: "Green Fix 12",
    currency: "EUR",
    tariff: { unitPrice: "0.30" },
  },
  customer: { fullName: "Erika Mustermann", email: "erika@example.org" },
  pointOfDelivery: {
    identifier: "51238696781",
    kind: "malo",
    supplyAddress: "Hauptstraße 1, 10115 Berlin",
    currentSupplier: "Stadtwerke Alt",
    meterNumber: "1ESY1160123456",
    meterReadingKwh: "12345.600",
    meterReadingDate: "2026-11-20",
    annualConsumptionKwh: 3500,
  },
  desiredStart: "2027-01-01",
  withdrawalDays: 14,
};

describe("renderContractPdf", () => {
  const { hash } = hashContractDocument(doc);

  it("renders a preview with the terms, the withdrawal notice and the hash to sign", async () => {
    const pdf = await renderContractPdf(doc, hash);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.toString("latin1")).toContain("Supply contract SW-TESTPDF1");
    const text = pdfText(pdf);
    if (text === null) return;
    expect(text).toContain("PREVIEW - NOT SIGNED");
    expect(text).toContain("Green Fix 12 (GREEN-FIX, version 3)");
    expect(text).toContain("51238696781");
    expect(text).toContain("within 14 days");
    expect(text.replace(/\s+/g, "")).toContain(hash);
  });

  it("names signer, time and signature on a signed copy (no preview mark)", async () => {
    const pdf = await renderContractPdf(doc, hash, {
      signer: "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65",
      signedAt: "2026-11-22T10:00:00.000Z",
      signature: `0x${"ab".repeat(65)}`,
      status: "signed",
    });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = pdfText(pdf);
    if (text === null) return;
    expect(text).not.toContain("PREVIEW");
    expect(text).toContain("0x15d34aaf54267db7d7c367839aaf71a00a2c6a65");
    expect(text).toContain("2026-11-22T10:00:00.000Z");
  });
});
