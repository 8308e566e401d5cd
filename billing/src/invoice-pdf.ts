// The invoice document (A4, pdfkit): seller and buyer, POD and period, lines grouped (energy, network,
// levies, fees, credits), VAT summary, advances deducted, amount due and payment terms. Drafts carry a
// DRAFT mark and voided invoices a VOID mark. Standard PDF fonts (WinAnsi: Latin scripts only).
import type { Invoice, InvoiceDataQuality, InvoiceLine, LineGroup } from "@c4e/domain";
import PDFDocument from "pdfkit";
import type { Queryable } from "@c4e/prisma";
import type { StoredInvoice } from "./invoice-store.ts";

export type Seller = { name: string; address: string; registration?: string };

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

/** The seller of a contract's invoices: its trader. */
export async function loadSeller(db: Queryable, contractId: string): Promise<Seller> {
  const r = await db.query<{ name: string; code: string }>(
    `SELECT t.name, t.code FROM contract c JOIN trader t ON t.id = c.trader_id WHERE c.id = $1`,
    [contractId],
  );
  const t = r.rows[0];
  return {
    name: t?.name ?? "",
    address: "Energieweg 1, 10115 Berlin",
    registration: t ? `Market partner id ${t.code}` : undefined,
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
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin },
    bufferPages: true,
    info: {
      Title: `${KIND_TITLES[inv.kind]} ${stored.number ?? "(draft)"}`,
      Author: seller.name,
      Subject: `Period ${inv.period.start} to ${inclusiveEnd(inv.period.end)}`,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const money = (minor: bigint) => `${formatMinor(minor, inv.minorUnitDigits)} ${inv.currency}`;

  // Header: seller left, document title and numbers right.
  doc
    .fillColor(ACCENT)
    .font("Helvetica-Bold")
    .fontSize(18)
    .text(seller.name, LEFT, PAGE.margin, { width: 260 });
  doc.fillColor(MUTED).font("Helvetica").fontSize(9).text(seller.address, { width: 260 });
  if (seller.registration) doc.text(seller.registration, { width: 260 });
  const title = KIND_TITLES[inv.kind];
  doc
    .fillColor("black")
    .font("Helvetica-Bold")
    .fontSize(16)
    .text(title, 330, PAGE.margin, { width: RIGHT - 330, align: "right" });
  const meta: [string, string][] = [
    ["Number", stored.number ?? "not issued (draft)"],
    ["Issue date", stored.issueDate ?? "-"],
    ["Due date", stored.dueDate ?? "-"],
  ];
  if (inv.references?.originalInvoiceNumber)
    meta.push(["Corrects invoice", inv.references.originalInvoiceNumber]);
  let y = PAGE.margin + 24;
  for (const [k, v] of meta) {
    doc.font("Helvetica").fontSize(9).fillColor(MUTED).text(k, 330, y, { width: 90 });
    doc.fillColor("black").text(v, 420, y, { width: RIGHT - 420, align: "right" });
    y += 13;
  }

  // Buyer and supply point.
  y = Math.max(y, doc.y) + 22;
  const buyer = stored.buyer;
  doc.font("Helvetica-Bold").fontSize(9).fillColor(MUTED).text("BILL TO", LEFT, y);
  doc.text("POINT OF DELIVERY", 330, y);
  doc.font("Helvetica").fontSize(10).fillColor("black");
  doc.text(buyer.customerName, LEFT, y + 13, { width: 250 });
  doc.text(buyer.customerAddress, { width: 250 });
  doc
    .fillColor(MUTED)
    .fontSize(9)
    .text(`Customer ${buyer.customerId} · Contract ${buyer.contractNumber}`, { width: 250 });
  const leftBottom = doc.y;
  doc
    .fillColor("black")
    .fontSize(10)
    .text(buyer.podIdentifier ?? "-", 330, y + 13, { width: RIGHT - 330 });
  if (buyer.podAddress) doc.text(buyer.podAddress, { width: RIGHT - 330 });
  doc
    .fillColor(MUTED)
    .fontSize(9)
    .text(`Period ${inv.period.start} to ${inclusiveEnd(inv.period.end)} (${inv.period.timeZone})`, {
      width: RIGHT - 330,
    });
  y = Math.max(leftBottom, doc.y) + 24;

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
  const ensureSpace = (needed: number) => {
    if (y + needed > PAGE.height - PAGE.margin - 30) {
      doc.addPage();
      y = tableHeader(PAGE.margin);
    }
  };
  y = tableHeader(y);
  for (const group of GROUP_ORDER) {
    const lines = inv.lines.filter((l) => l.group === group);
    if (lines.length === 0) continue;
    ensureSpace(40);
    doc.font("Helvetica-Bold").fontSize(9.5).fillColor(ACCENT).text(GROUP_TITLES[group], LEFT, y);
    y += 14;
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
    y += 18;
  }

  // VAT summary and totals.
  ensureSpace(60 + inv.vatSummary.length * 13 + inv.advancesDeducted.length * 13 + 80);
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
  const due = inv.amountDueMinor;
  doc
    .rect(340, y - 3, RIGHT - 340 + 6, 22)
    .fillColor("#e8f3ec")
    .fill();
  doc.fillColor(ACCENT);
  doc.font("Helvetica-Bold").fontSize(11.5);
  doc.text(due < 0n ? "Credit to you" : "Amount due", 350, y + 3, { width: 120 });
  doc.text(money(due < 0n ? -due : due), 430, y + 3, { width: RIGHT - 430, align: "right" });
  y = Math.max(y + 30, vatBottom + 10);

  // Payment terms.
  y += 10;
  doc.font("Helvetica-Bold").fontSize(9).fillColor(MUTED).text("PAYMENT", LEFT, y);
  y += 13;
  const reference = stored.number ?? "(assigned at issue)";
  const terms =
    due < 0n
      ? `The credit of ${money(-due)} will be paid to your account or set against your next invoice.`
      : `Please pay ${money(due)} within ${stored.paymentTermsDays} days${stored.dueDate ? `, by ${stored.dueDate}` : ""}, by bank transfer quoting ${reference}.`;
  doc
    .font("Helvetica")
    .fontSize(9)
    .fillColor("black")
    .text(terms, LEFT, y, { width: RIGHT - LEFT });
  if (stored.status === "voided") {
    doc
      .moveDown(0.5)
      .fillColor("#b00020")
      .text(`Voided${stored.voidReason ? `: ${stored.voidReason}` : ""}.`);
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
  const local = (iso: string) =>
    new Date(iso).toLocaleString("sv-SE", { timeZone, hour12: false }).slice(0, 16);
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
  return Math.max(bottom, y + 12) + 3;
}
