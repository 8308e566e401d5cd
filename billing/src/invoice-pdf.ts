// The invoice document (A4, pdfkit): seller (address, VAT and tax id) and buyer (customer number,
// billing address), POD, meter and readings, period, lines grouped (energy, network, levies, fees,
// credits), TOU band hours, VAT summary, advances deducted, amount due, payment terms with bank details,
// reference and an EPC QR code, consumption a year earlier, supplier contact, switching and dispute
// information (EU VAT Directive 2006/112/EC Art. 226; Directive (EU) 2019/944 Annex I). Drafts carry a
// DRAFT mark and voided invoices a VOID mark. Standard PDF fonts (WinAnsi: Latin scripts only).
import type { Invoice, InvoiceDataQuality, InvoiceLine, LineGroup } from "@c4e/domain";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { Queryable } from "@c4e/prisma";
import {
  type InvoiceBuyer,
  type SellerDetails,
  formatIban,
  paymentQrOf,
  whAsKwh,
} from "./invoice-content.ts";
import type { StoredInvoice } from "./invoice-store.ts";

export type Seller = SellerDetails;

const GROUP_TITLES: Record<LineGroup, string> = {
  energy: "Energy",
  network: "Network charges",
  levy: "Levies",
  fee: "Fees",
  tax: "Taxes",
  credit: "Credits",
};
const GROUP_ORDER: LineGroup[] = ["energy", "network", "levy", "fee", "tax", "credit"];

const KIND_TITLES: Record<Invoice["kind"], string> = {
  advance: "Advance invoice",
  monthly: "Invoice",
  settlement: "Annual settlement",
  difference: "Difference invoice",
  credit_note: "Credit note",
};

/** Minor units as a major amount with grouping: 123456n, 2 digits → "1,234.56". */
export function formatMinor(minor: bigint, digits: number): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const text = abs.toString().padStart(digits + 1, "0");
  const whole = digits > 0 ? text.slice(0, -digits) : text;
  const frac = digits > 0 ? text.slice(-digits) : "";
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${grouped}${frac ? `.${frac}` : ""}`;
}

/** A decimal string with thousands separators, unchanged otherwise. */
function formatDecimalText(text: string): string {
  const [whole = "", frac] = text.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** "4.2" → "4.20", "9" → "9.00", "0.085" stays. */
function atLeastTwoDecimals(text: string): string {
  const [whole, frac = ""] = text.split(".");
  return `${whole}.${frac.padEnd(2, "0")}`;
}

/** The last day of a period whose end is exclusive. */
function inclusiveEnd(endExclusive: string): string {
  const d = new Date(`${endExclusive}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

type TraderRow = {
  name: string;
  code: string;
  address: string | null;
  vat_id: string | null;
  tax_id: string | null;
  iban: string | null;
  bic: string | null;
  bank_name: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  contact_web: string | null;
  dispute_body: string | null;
  switching_info: string | null;
};

/** The seller of a contract's invoices: its trader, with what an invoice must say about it. */
export async function loadSeller(db: Queryable, contractId: string): Promise<Seller> {
  const r = await db.query<TraderRow>(
    `SELECT t.name, t.code, t.address, t.vat_id, t.tax_id, t.iban, t.bic, t.bank_name, t.contact_phone,
            t.contact_email, t.contact_web, t.dispute_body, t.switching_info
     FROM contract c JOIN trader t ON t.id = c.trader_id WHERE c.id = $1`,
    [contractId],
  );
  const t = r.rows[0];
  if (t === undefined) return { name: "", address: "" };
  const optional = {
    vatId: t.vat_id,
    taxId: t.tax_id,
    iban: t.iban,
    bic: t.bic,
    bankName: t.bank_name,
    contactPhone: t.contact_phone,
    contactEmail: t.contact_email,
    contactWeb: t.contact_web,
    disputeBody: t.dispute_body,
    switchingInfo: t.switching_info,
  };
  return {
    name: t.name,
    address: t.address ?? "",
    registration: `Market partner id ${t.code}`,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null && v !== "")),
  };
}

const PAGE = { margin: 50, width: 595.28, height: 841.89 };
const LEFT = PAGE.margin;
const RIGHT = PAGE.width - PAGE.margin;
const COLS = { description: LEFT, quantity: 290, unitPrice: 375, vat: 450, amount: 490 };
const ACCENT = "#1f6f43";
const MUTED = "#666666";

/** Renders the invoice as a PDF; resolves to its bytes. */
export async function renderInvoicePdf(stored: StoredInvoice, seller: Seller): Promise<Buffer> {
  const inv = stored.invoice;
  const buyer: InvoiceBuyer = stored.buyer;
  const periodText = `${inv.period.start} to ${inclusiveEnd(inv.period.end)}`;
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin },
    bufferPages: true,
    info: {
      Title: `${KIND_TITLES[inv.kind]} ${stored.number ?? "(draft)"}`,
      Author: seller.name,
      Subject: `Period ${periodText}`,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const money = (minor: bigint) => `${formatMinor(minor, inv.minorUnitDigits)} ${inv.currency}`;
  const due = inv.amountDueMinor;
  // EPC069-12 QR for a transfer of the amount due: EUR, an IBAN, an issued invoice with a number.
  const epc = paymentQrOf(stored, seller);
  const qrPng = epc?.ok ? await QRCode.toBuffer(epc.text, { errorCorrectionLevel: "M", margin: 1 }) : null;

  // Header: seller left (legal name, address, VAT and tax id: Art. 226(3)/(5)), title and numbers right.
  doc
    .fillColor(ACCENT)
    .font("Helvetica-Bold")
    .fontSize(18)
    .text(seller.name, LEFT, PAGE.margin, { width: 260 });
  doc.fillColor(MUTED).font("Helvetica").fontSize(9);
  if (seller.address) doc.text(seller.address, { width: 260 });
  const ids = [
    seller.vatId ? `VAT id ${seller.vatId}` : null,
    seller.taxId ? `Tax no. ${seller.taxId}` : null,
  ].filter((x) => x !== null);
  if (ids.length > 0) doc.text(ids.join(" · "), { width: 260 });
  if (seller.registration) doc.text(seller.registration, { width: 260 });
  const sellerBottom = doc.y;
  const title = KIND_TITLES[inv.kind];
  doc
    .fillColor("black")
    .font("Helvetica-Bold")
    .fontSize(16)
    .text(title, 330, PAGE.margin, { width: RIGHT - 330, align: "right" });
  const meta: [string, string][] = [
    ["Number", stored.number ?? "not issued (draft)"],
    ["Invoice date", stored.issueDate ?? "-"],
    ["Supply period", periodText],
    ["Due date", stored.dueDate ?? "-"],
  ];
  if (buyer.customerNumber) meta.push(["Customer no.", buyer.customerNumber]);
  if (inv.references?.originalInvoiceNumber)
    meta.push(["Corrects invoice", inv.references.originalInvoiceNumber]);
  let y = PAGE.margin + 24;
  for (const [k, v] of meta) {
    doc.font("Helvetica").fontSize(9).fillColor(MUTED).text(k, 330, y, { width: 80 });
    doc.fillColor("black").text(v, 410, y, { width: RIGHT - 410, align: "right" });
    y += 12;
  }

  // Buyer (billing address, customer number, never the internal id) and supply point.
  y = Math.max(y, sellerBottom) + 10;
  doc.font("Helvetica-Bold").fontSize(9).fillColor(MUTED).text("BILL TO", LEFT, y);
  doc.text("POINT OF DELIVERY", 330, y);
  doc.font("Helvetica").fontSize(10).fillColor("black");
  doc.text(buyer.customerName, LEFT, y + 13, { width: 250 });
  doc.text(buyer.billingAddress ?? buyer.customerAddress, { width: 250 });
  doc
    .fillColor(MUTED)
    .fontSize(9)
    .text(
      `${buyer.customerNumber ? `Customer no. ${buyer.customerNumber} · ` : ""}Contract ${buyer.contractNumber}`,
      { width: 250 },
    );
  const leftBottom = doc.y;
  doc
    .fillColor("black")
    .fontSize(10)
    .text(buyer.podIdentifier ?? "-", 330, y + 13, { width: RIGHT - 330 });
  if (buyer.podAddress) doc.text(buyer.podAddress, { width: RIGHT - 330 });
  doc
    .fillColor(MUTED)
    .fontSize(9)
    .text(`Period ${periodText} (${inv.period.timeZone})`, {
      width: RIGHT - 330,
    });
  if (buyer.meter?.meterNumber) doc.text(`Meter no. ${buyer.meter.meterNumber}`, { width: RIGHT - 330 });
  y = Math.max(leftBottom, doc.y) + 10;

  // Meter readings of the period, or how the quantities were estimated; TOU band hours; a year ago.
  y = supplySection(doc, buyer, inv, y);

  // Billed from incomplete meter data: say so, with the gaps, before the lines.
  if (inv.dataQuality !== undefined) {
    doc.font("Helvetica").fontSize(9);
    const text = incompleteDataNotice(inv.dataQuality, inv.period.timeZone);
    const height = doc.heightOfString(text, { width: RIGHT - LEFT - 16 }) + 12;
    doc
      .rect(LEFT, y - 4, RIGHT - LEFT, height + 14)
      .fillColor("#fff4e0")
      .fill();
    doc
      .font("Helvetica-Bold")
      .fontSize(9)
      .fillColor("#8a4b00")
      .text("BILLED FROM INCOMPLETE METER DATA", LEFT + 8, y);
    doc
      .font("Helvetica")
      .fillColor("black")
      .text(text, LEFT + 8, y + 13, { width: RIGHT - LEFT - 16 });
    y = doc.y + 18;
  }

  // Lines, grouped.
  const tableHeader = (atY: number) => {
    doc.font("Helvetica-Bold").fontSize(8.5).fillColor(MUTED);
    doc.text("Description", COLS.description, atY, { width: COLS.quantity - COLS.description - 10 });
    doc.text("Quantity", COLS.quantity, atY, { width: COLS.unitPrice - COLS.quantity - 8, align: "right" });
    doc.text(`Unit price ${inv.currency}`, COLS.unitPrice - 20, atY, {
      width: COLS.vat - COLS.unitPrice + 12,
      align: "right",
    });
    doc.text("VAT", COLS.vat, atY, { width: COLS.amount - COLS.vat - 4, align: "right" });
    doc.text(`Amount ${inv.currency}`, COLS.amount, atY, { width: RIGHT - COLS.amount, align: "right" });
    doc
      .moveTo(LEFT, atY + 12)
      .lineTo(RIGHT, atY + 12)
      .lineWidth(0.7)
      .strokeColor("#999999")
      .stroke();
    return atY + 18;
  };
  // `bottom`: how far the block may reach (the last block may use the 30 pt kept above the footer)
  const ensureSpace = (needed: number, header = true, bottom = PAGE.height - PAGE.margin - 30) => {
    if (y + needed > bottom) {
      doc.addPage();
      y = header ? tableHeader(PAGE.margin) : PAGE.margin;
    }
  };
  y = tableHeader(y);
  for (const group of GROUP_ORDER) {
    const lines = inv.lines.filter((l) => l.group === group);
    if (lines.length === 0) continue;
    ensureSpace(40);
    doc.font("Helvetica-Bold").fontSize(9.5).fillColor(ACCENT).text(GROUP_TITLES[group], LEFT, y);
    y += 12;
    for (const line of lines) {
      ensureSpace(16);
      y = lineRow(doc, line, y, inv.minorUnitDigits);
    }
    const subtotal = lines.reduce((a, l) => a + l.amountMinor, 0n);
    doc.font("Helvetica").fontSize(8.5).fillColor(MUTED);
    doc.text(`Subtotal ${GROUP_TITLES[group].toLowerCase()}`, COLS.unitPrice - 60, y, {
      width: COLS.amount - COLS.unitPrice + 50,
      align: "right",
    });
    doc.fillColor("black").text(formatMinor(subtotal, inv.minorUnitDigits), COLS.amount, y, {
      width: RIGHT - COLS.amount,
      align: "right",
    });
    y += 14;
  }

  // VAT summary and totals.
  ensureSpace(40 + Math.max(inv.vatSummary.length * 13 + 27, inv.advancesDeducted.length * 13 + 80));
  doc.moveTo(LEFT, y).lineTo(RIGHT, y).lineWidth(0.7).strokeColor("#999999").stroke();
  y += 10;
  const vatTop = y;
  doc.font("Helvetica-Bold").fontSize(8.5).fillColor(MUTED).text("VAT SUMMARY", LEFT, y);
  y += 14;
  doc.font("Helvetica-Bold").fontSize(8.5).fillColor(MUTED);
  doc.text("VAT rate", LEFT, y, { width: 60 });
  doc.text("Net", LEFT + 60, y, { width: 75, align: "right" });
  doc.text("VAT", LEFT + 135, y, { width: 70, align: "right" });
  doc.text("Gross", LEFT + 205, y, { width: 75, align: "right" });
  y += 13;
  doc.font("Helvetica").fontSize(9).fillColor("black");
  for (const v of inv.vatSummary) {
    doc.text(`${v.vatRate} %`, LEFT, y, { width: 60 });
    doc.text(formatMinor(v.netMinor, inv.minorUnitDigits), LEFT + 60, y, { width: 75, align: "right" });
    doc.text(formatMinor(v.vatMinor, inv.minorUnitDigits), LEFT + 135, y, { width: 70, align: "right" });
    doc.text(formatMinor(v.netMinor + v.vatMinor, inv.minorUnitDigits), LEFT + 205, y, {
      width: 75,
      align: "right",
    });
    y += 13;
  }
  const vatBottom = y;

  y = vatTop;
  const totalRow = (label: string, value: string, bold = false) => {
    doc
      .font(bold ? "Helvetica-Bold" : "Helvetica")
      .fontSize(bold ? 11 : 9)
      .fillColor("black");
    doc.text(label, 350, y, { width: 120 });
    doc.text(value, 430, y, { width: RIGHT - 430, align: "right" });
    y += bold ? 17 : 13;
  };
  totalRow("Net amount", money(inv.netMinor));
  totalRow("VAT", money(inv.vatMinor));
  totalRow(inv.kind === "credit_note" ? "Total credited" : "Invoice total", money(inv.totalMinor), true);
  for (const a of inv.advancesDeducted) totalRow(`Advance ${a.reference}`, money(-a.amountMinor));
  if (inv.advancesDeducted.length > 0 || inv.amountDueMinor !== inv.totalMinor) {
    doc.moveTo(350, y).lineTo(RIGHT, y).lineWidth(0.5).strokeColor("#999999").stroke();
    y += 5;
  }
  doc
    .rect(340, y - 3, RIGHT - 340 + 6, 22)
    .fillColor("#e8f3ec")
    .fill();
  doc.fillColor(ACCENT);
  doc.font("Helvetica-Bold").fontSize(11.5);
  doc.text(due < 0n ? "Credit to you" : "Amount due", 350, y + 3, { width: 120 });
  doc.text(money(due < 0n ? -due : due), 430, y + 3, { width: RIGHT - 430, align: "right" });
  y = Math.max(y + 25, vatBottom + 8);

  // Payment terms, bank details and reference; the EPC QR code beside them.
  // EPC069-12 asks for at least 2 x 2 cm (57 pt)
  const QR_SIZE = 66;
  const textWidth = RIGHT - LEFT - (qrPng ? QR_SIZE + 16 : 0);
  const reference = stored.number ?? "(assigned at issue)";
  const terms =
    due < 0n
      ? `The credit of ${money(-due)} will be paid to your account or set against your next invoice.`
      : `Please pay ${money(due)} within ${stored.paymentTermsDays} days${stored.dueDate ? `, by ${stored.dueDate}` : ""}, by bank transfer quoting ${reference}.`;
  const bank = [
    seller.iban ? `IBAN ${formatIban(seller.iban)}` : null,
    seller.bic ? `BIC ${seller.bic}` : null,
    seller.bankName ?? null,
  ].filter((x) => x !== null);
  const paymentLines = [
    bank.length > 0 ? `Payee ${seller.name} · ${bank.join(" · ")}` : null,
    `Payment reference: ${reference}`,
    qrPng ? "Scan the code with your banking app to pay by SEPA credit transfer (EPC QR)." : null,
  ].filter((x) => x !== null);
  doc.font("Helvetica").fontSize(9);
  const termsHeight = doc.heightOfString(terms, { width: textWidth });
  doc.fontSize(8.5);
  const paymentHeight =
    13 + termsHeight + paymentLines.reduce((a, l) => a + doc.heightOfString(l, { width: textWidth }), 0);
  ensureSpace(Math.max(paymentHeight, qrPng ? QR_SIZE : 0) + 6, false);
  y += 6;
  const paymentTop = y;
  doc.font("Helvetica-Bold").fontSize(9).fillColor(MUTED).text("PAYMENT", LEFT, y);
  doc
    .font("Helvetica")
    .fontSize(9)
    .fillColor("black")
    .text(terms, LEFT, y + 13, { width: textWidth });
  doc.fontSize(8.5);
  for (const line of paymentLines) doc.text(line, { width: textWidth });
  if (stored.status === "voided") {
    doc
      .moveDown(0.5)
      .fillColor("#b00020")
      .text(`Voided${stored.voidReason ? `: ${stored.voidReason}` : ""}.`);
  }
  y = doc.y;
  if (qrPng) {
    doc.image(qrPng, RIGHT - QR_SIZE, paymentTop, { width: QR_SIZE });
    y = Math.max(y, paymentTop + QR_SIZE);
  }

  // Directive (EU) 2019/944 Annex I 1.1: supplier contact, switching, dispute settlement.
  const info: [string, string][] = [];
  const contact = [
    seller.contactPhone ? `phone ${seller.contactPhone}` : null,
    seller.contactEmail ? `e-mail ${seller.contactEmail}` : null,
    seller.contactWeb ?? null,
  ].filter((x) => x !== null);
  if (contact.length > 0) info.push(["Contact", contact.join(" · ")]);
  if (seller.switchingInfo) info.push(["Switching supplier", seller.switchingInfo]);
  if (seller.disputeBody) info.push(["Complaints and disputes", seller.disputeBody]);
  if (info.length > 0) {
    doc.font("Helvetica").fontSize(7.5);
    const infoHeight = info.reduce(
      (a, [k, v]) => a + doc.heightOfString(`${k}: ${v}`, { width: RIGHT - LEFT }) + 1,
      14,
    );
    ensureSpace(infoHeight + 10, false, PAGE.height - PAGE.margin - 4);
    y += 6;
    doc.moveTo(LEFT, y).lineTo(RIGHT, y).lineWidth(0.5).strokeColor("#cccccc").stroke();
    y += 5;
    for (const [k, v] of info) {
      doc
        .font("Helvetica-Bold")
        .fontSize(7.5)
        .fillColor(MUTED)
        .text(`${k}: `, LEFT, y, { continued: true, width: RIGHT - LEFT })
        .font("Helvetica")
        .fillColor("black")
        .text(v);
      y = doc.y + 1;
    }
  }

  // Marks and page footers.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    if (stored.status !== "issued") {
      doc.save();
      doc.rotate(-30, { origin: [PAGE.width / 2, PAGE.height / 2] });
      doc
        .font("Helvetica-Bold")
        .fontSize(90)
        .fillColor(stored.status === "voided" ? "#b00020" : "#999999")
        .opacity(0.15);
      doc.text(stored.status === "voided" ? "VOID" : "DRAFT", 0, PAGE.height / 2 - 45, {
        width: PAGE.width,
        align: "center",
        lineBreak: false,
      });
      doc.restore();
    }
    // the footer sits in the bottom margin: without this, pdfkit would start a new page for it
    doc.page.margins.bottom = 0;
    doc.font("Helvetica").fontSize(7.5).fillColor(MUTED).opacity(1);
    doc.text(
      `${seller.name} · ${title} ${stored.number ?? "(draft)"} · page ${i - range.start + 1} of ${range.count}`,
      LEFT,
      PAGE.height - PAGE.margin + 10,
      { width: RIGHT - LEFT, align: "center", lineBreak: false },
    );
  }
  doc.end();
  return done;
}

/** The notice's text: how many intervals were there, and the missing ranges in local time. */
export function incompleteDataNotice(q: InvoiceDataQuality, timeZone: string): string {
  const local = (iso: string) => localMinute(iso, timeZone);
  const missing = q.expectedIntervals - q.foundIntervals;
  const ranges = q.missingRanges.map((r) => `${local(r.start)} to ${local(r.end)} (${r.intervals})`);
  const more = (q.missingRangeCount ?? q.missingRanges.length) - q.missingRanges.length;
  return (
    `${q.foundIntervals} of ${q.expectedIntervals} metering intervals were available; ${missing} missing` +
    (ranges.length > 0 ? `: ${ranges.join("; ")}${more > 0 ? `; and ${more} more ranges` : ""}` : "") +
    `. Intervals without data are not billed on this invoice.`
  );
}

function lineRow(doc: PDFKit.PDFDocument, line: InvoiceLine, y: number, digits: number): number {
  doc.font("Helvetica").fontSize(9).fillColor("black");
  const descWidth = COLS.quantity - COLS.description - 10;
  doc.text(line.description, COLS.description + 8, y, { width: descWidth - 8 });
  const bottom = doc.y;
  doc.text(`${formatDecimalText(line.quantity)} ${line.unit}`, COLS.quantity, y, {
    width: COLS.unitPrice - COLS.quantity - 8,
    align: "right",
  });
  doc.text(formatDecimalText(atLeastTwoDecimals(line.unitPrice)), COLS.unitPrice, y, {
    width: COLS.vat - COLS.unitPrice - 8,
    align: "right",
  });
  doc.text(`${line.vatRate} %`, COLS.vat, y, { width: COLS.amount - COLS.vat - 4, align: "right" });
  doc.text(formatMinor(line.amountMinor, digits), COLS.amount, y, {
    width: RIGHT - COLS.amount,
    align: "right",
  });
  return Math.max(bottom, y + 11) + 2;
}

/** Local "YYYY-MM-DD HH:MM" of an instant. */
function localMinute(iso: string, timeZone: string): string {
  return new Date(iso).toLocaleString("sv-SE", { timeZone, hour12: false }).slice(0, 16);
}

/** A percentage change with one decimal and its sign: 110 vs 100 → "+10.0 %". */
function changePercent(current: string, previous: string): string | null {
  const c = Number(current);
  const p = Number(previous);
  if (!Number.isFinite(c) || !Number.isFinite(p) || p === 0) return null;
  const pct = ((c - p) / p) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(1)} %`;
}

/**
 * The supply block under the addresses: meter readings at the period's start and end (or how the
 * quantities were estimated), the hours of the TOU bands, and the consumption compared with the
 * same period a year earlier (Directive (EU) 2019/944 Annex I 1.2). Returns the next y.
 */
function supplySection(doc: PDFKit.PDFDocument, buyer: InvoiceBuyer, inv: Invoice, top: number): number {
  const tz = inv.period.timeZone;
  const width = RIGHT - LEFT;
  let y = top;
  /** A bold lead-in and its text on one paragraph. */
  const para = (lead: string, text: string) => {
    doc
      .font("Helvetica-Bold")
      .fontSize(8.5)
      .fillColor(MUTED)
      .text(`${lead}  `, LEFT, y, { width, continued: true })
      .font("Helvetica")
      .fillColor("black")
      .text(text);
    y = doc.y + 3;
  };
  const readings = buyer.meter?.readings;
  const meterLead = `METER READINGS${buyer.meter?.meterNumber ? ` (METER NO. ${buyer.meter.meterNumber})` : ""}`;
  if (readings !== undefined) {
    switch (readings.kind) {
      case "measured": {
        // Register | start instant | kWh | end instant | kWh | difference
        const x = { reg: LEFT, start: LEFT + 115, startKwh: LEFT + 190, end: LEFT + 275, endKwh: LEFT + 345 };
        doc.font("Helvetica-Bold").fontSize(8.5).fillColor(MUTED).text(meterLead, LEFT, y);
        y += 11;
        doc.font("Helvetica-Bold").fontSize(8).fillColor(MUTED);
        doc.text("Register", x.reg, y, { width: 110 });
        doc.text("Start", x.start, y, { width: 80 });
        doc.text("kWh", x.startKwh, y, { width: 70, align: "right" });
        doc.text("End", x.end, y, { width: 80 });
        doc.text("kWh", x.endKwh, y, { width: 70, align: "right" });
        doc.text("Difference kWh", RIGHT - 70, y, { width: 70, align: "right" });
        y += 10;
        doc.font("Helvetica").fontSize(8.5).fillColor("black");
        for (const r of readings.registers) {
          const diff = (BigInt(r.endWh) - BigInt(r.startWh)).toString();
          doc.text(`${r.register === "import" ? "Import" : "Export"} (OBIS ${r.obis})`, x.reg, y, {
            width: 110,
          });
          doc.text(localMinute(r.startAt, tz), x.start, y, { width: 80 });
          doc.text(whAsKwh(r.startWh), x.startKwh, y, { width: 70, align: "right" });
          doc.text(localMinute(r.endAt, tz), x.end, y, { width: 80 });
          doc.text(whAsKwh(r.endWh), x.endKwh, y, { width: 70, align: "right" });
          doc.text(whAsKwh(diff), RIGHT - 70, y, { width: 70, align: "right" });
          y += 11;
        }
        y += 3;
        break;
      }
      case "estimated":
        para(
          meterLead,
          "Consumption estimated (standard load profile): no meter reading for this period; the annual reading settles it.",
        );
        break;
      case "unavailable":
        para(
          meterLead,
          "Register readings at the start and end of the period are not available; billed from the meter's 15-minute intervals.",
        );
        break;
    }
  }
  if (buyer.touBands !== undefined && buyer.touBands.length > 0) {
    para(`TIME-OF-USE BANDS (${tz})`, buyer.touBands.map((b) => `${b.name}: ${b.hours}`).join(" · "));
  } else {
    // older invoices kept no hours: name the bands the lines were billed in
    const bands = [
      ...new Set(
        inv.lines
          .map((l) => (l.group === "energy" ? l.breakdown?.["band"] : undefined))
          .filter((b): b is string => typeof b === "string"),
      ),
    ];
    if (bands.length > 0)
      para("TIME-OF-USE BANDS", `${bands.join(", ")} (the band hours were not recorded with this invoice)`);
  }
  if (buyer.consumption !== undefined) {
    const c = buyer.consumption;
    const prev = c.previousYear;
    const change = prev ? changePercent(c.currentKwh, prev.kwh) : null;
    para(
      "YOUR CONSUMPTION",
      `This period: ${formatKwh(c.currentKwh)} kWh. ` +
        (prev
          ? `Same period last year (${prev.start} to ${inclusiveEnd(prev.end)}): ${formatKwh(prev.kwh)} kWh${change ? ` (${change})` : ""}.`
          : "Same period last year: not known (no invoice of ours for it)."),
    );
  }
  return y + 8;
}

/** A kWh decimal string with grouping and three decimals: "1234.5" → "1,234.500". */
function formatKwh(kwh: string): string {
  const [whole = "0", frac = ""] = kwh.split(".");
  return formatDecimalText(`${whole}.${frac.padEnd(3, "0").slice(0, 3)}`);
}
