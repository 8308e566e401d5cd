// The supply contract document of a supplier switch (A4, pdfkit): supplier, customer, point of
// delivery, product and version with its tariff terms, start, the 14-day withdrawal notice, and the
// document hash the customer signs (EIP-712). A preview carries a PREVIEW mark; a signed copy names
// the signer, time and signature. Standard PDF fonts (WinAnsi: Latin scripts only).
import type { ContractDocument } from "@c4e/domain";
import PDFDocument from "pdfkit";

export type ContractPdfSignature = { signer: string; signedAt: string; signature: string; status: string };

const LEFT = 50;
const WIDTH = 495;
const MUTED = "#555555";
const ACCENT = "#1b6e3a";

/** Renders the contract document; `signature` absent = a preview. Resolves to the PDF bytes. */
export async function renderContractPdf(
  document: ContractDocument,
  hash: string,
  signature?: ContractPdfSignature,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: 50, bottom: 50, left: LEFT, right: 50 },
    info: {
      Title: `Supply contract ${document.reference}`,
      Author: document.supplier.name,
      Subject: `${document.product.name} (${document.product.code} v${document.product.version})`,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const heading = (text: string) => {
    doc
      .moveDown(0.8)
      .font("Helvetica-Bold")
      .fontSize(11)
      .fillColor(ACCENT)
      .text(text, LEFT, doc.y, { width: WIDTH });
    doc.moveDown(0.2);
  };
  const fact = (label: string, value: string) => {
    const y = doc.y;
    doc.font("Helvetica").fontSize(9).fillColor(MUTED).text(label, LEFT, y, { width: 160 });
    doc.fillColor("black").text(value, LEFT + 170, y, { width: WIDTH - 170 });
    doc.moveDown(0.15);
  };

  doc
    .font("Helvetica-Bold")
    .fontSize(18)
    .fillColor(ACCENT)
    .text(document.supplier.name, LEFT, 50, { width: WIDTH });
  doc
    .font("Helvetica-Bold")
    .fontSize(15)
    .fillColor("black")
    .text(`Electricity supply contract ${document.reference}`, { width: WIDTH });
  if (!signature)
    doc
      .font("Helvetica-Bold")
      .fontSize(10)
      .fillColor("#b00020")
      .text("PREVIEW - NOT SIGNED", { width: WIDTH });

  heading("Customer");
  fact("Name", document.customer.fullName);
  fact("E-mail", document.customer.email);

  heading("Point of delivery");
  const pod = document.pointOfDelivery;
  fact(pod.kind === "malo" ? "Marktlokations-ID" : "Zählpunktbezeichnung", pod.identifier);
  fact("Supply address", pod.supplyAddress);
  fact("Current supplier", pod.currentSupplier);
  fact("Meter number", pod.meterNumber);
  // format 1 documents predate the question: they show nothing rather than a kind nobody chose
  if (pod.meteringKind)
    fact(
      "Kind of meter",
      pod.meteringKind === "amr"
        ? "Smart meter with interval data (iMSys / RLM)"
        : "Standard meter, read once a year (standard load profile)",
    );
  fact("Meter reading", `${pod.meterReadingKwh} kWh on ${pod.meterReadingDate}`);
  fact("Annual consumption", `${pod.annualConsumptionKwh} kWh`);

  heading("Product");
  fact("Product", `${document.product.name} (${document.product.code}, version ${document.product.version})`);
  fact("Currency", document.product.currency);
  fact("Desired start of supply", document.desiredStart);
  doc
    .font("Helvetica")
    .fontSize(8)
    .fillColor(MUTED)
    .text("Tariff terms (as published):", LEFT, doc.y, { width: WIDTH });
  doc
    .font("Courier")
    .fontSize(7)
    .fillColor("black")
    .text(JSON.stringify(document.product.tariff, null, 1), { width: WIDTH });

  heading("Right of withdrawal");
  doc
    .font("Helvetica")
    .fontSize(9)
    .fillColor("black")
    .text(
      `You may withdraw from this contract within ${document.withdrawalDays} days without giving any reason. ` +
        "The period starts on the day after you sign and ends at midnight (supplier's time zone) of its last day. " +
        "Withdraw on your switch status page, signed in with the wallet you signed with.",
      { width: WIDTH },
    );

  heading("Signature");
  fact("Document hash (sha256)", hash);
  if (signature) {
    fact("Signed by (wallet)", signature.signer);
    fact("Signed at", signature.signedAt);
    fact("Status", signature.status);
    fact("EIP-712 signature", signature.signature);
  } else {
    fact(
      "Signed by",
      "not signed yet: sign the hash above with your wallet (EIP-712, C4E Supply Contract v1)",
    );
  }
  doc.end();
  return done;
}
