// The trading book against a real Postgres: counterparties, contracts with versions and the lock,
// day-ahead price import (the ENTSO-E sample), delivery notes, one consolidated invoice through
// billing's store and numbering, an incoming-invoice check, matching, open position, capacity and the
// statistical return as CSV and xlsx.
import { readFileSync } from "node:fs";
import { loadSeller, renderInvoicePdf } from "@c4e/billing/invoice-pdf";
import { loadInvoice } from "@c4e/billing/invoice-store";
import ExcelJS from "exceljs";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addCapacityRight } from "../src/capacity.ts";
import { amendContract, contractVersions, getContract, listContracts } from "../src/contracts.ts";
import { createCounterparty } from "../src/counterparties.ts";
import { issueDeliveryNotes, listDeliveryNotes, recordDeliveries } from "../src/delivery-notes.ts";
import { invoiceDeliveryNotes, recordIncomingInvoice } from "../src/invoices.ts";
import { proposeMatching, saveMatches } from "../src/matching.ts";
import { positionCsv, positionFor } from "../src/position.ts";
import { listPrices, parseEntsoeLocalCsv, parseTradingPriceCsv, storeDayAheadPrices } from "../src/prices.ts";
import { importProfile } from "../src/profile-import.ts";
import { reportCsv, reportXlsx, statisticalReport } from "../src/report.ts";
import { CTX, OTHER, type TradingTestDb, contract, counterparty, createTradingTestDb } from "./fixtures.ts";

const TZ = "Europe/Brussels";
let t: TradingTestDb;
let pool: pg.Pool;

beforeAll(async () => {
  t = await createTradingTestDb("book");
  pool = t.pool;
  const csv = readFileSync(new URL("../data/entsoe-be-2023-03-and-10.csv", import.meta.url), "utf8");
  const { rows } = parseEntsoeLocalCsv(csv, "entsoe-be-2023-03-and-10.csv", TZ);
  await storeDayAheadPrices(pool, rows, { zone: "BE", currency: "EUR", resolutionMinutes: 60 });
  await counterparty(pool, "gen-a"); // a Belgian producer we buy from
  await counterparty(pool, "cust-b"); // a Belgian large customer we sell to
  await counterparty(pool, "trader-nl", "NL");
});
afterAll(async () => t?.close());

describe("counterparties and contracts", () => {
  it("refuses a malformed VAT id naming the field, and a VAT id used twice", async () => {
    const bad = await createCounterparty(pool, CTX, { id: "x-1", name: "X", vatId: "12", country: "BE" });
    expect(bad).toMatchObject({ ok: false, code: "invalid", errors: [{ path: "counterparty.vatId" }] });
    const ok = await createCounterparty(pool, CTX, {
      id: "x-2",
      name: "X",
      vatId: "be 0999 999 999",
      country: "BE",
    });
    expect(ok).toMatchObject({ ok: true, value: { vatId: "BE0999999999" } });
    const dup = await createCounterparty(pool, CTX, {
      id: "x-3",
      name: "Y",
      vatId: "BE0999999999",
      country: "BE",
    });
    expect(dup).toMatchObject({ ok: false, code: "conflict" });
  });

  it("versions amendments before delivery and locks the contract once delivery started", async () => {
    const c = await contract(pool, {
      id: "s-amend",
      side: "sell",
      counterpartyId: "cust-b",
      terms: {
        product: { kind: "base" },
        tenor: { kind: "month", month: "2026-10" },
        quantity: { kind: "power", mw: "1" },
        price: { kind: "fixed", pricePerMwh: "90" },
      },
    });
    expect([c.version, c.deliveryStart, c.deliveryEnd]).toEqual([1, "2026-10-01", "2026-11-01"]);
    const terms2 = { ...c.terms, quantity: { kind: "power", mw: "1.5" } };
    expect(
      await amendContract(pool, CTX, {
        contractId: c.id,
        terms: terms2,
        reason: "customer asked for more",
        asOf: "2026-09-20",
      }),
    ).toEqual({ ok: true, value: { version: 2 } });
    const locked = await amendContract(pool, CTX, {
      contractId: c.id,
      terms: c.terms,
      reason: "back",
      asOf: "2026-10-01",
    });
    expect(locked).toMatchObject({ ok: false, code: "locked" });
    const versions = await contractVersions(pool, CTX, c.id);
    expect(versions.map((v) => [v.version, v.reason, (v.terms.quantity as { mw: string }).mw])).toEqual([
      [1, "signed", "1"],
      [2, "customer asked for more", "1.5"],
    ]);
    // bad terms name the field; another retailer does not see the contract
    const bad = await amendContract(pool, CTX, {
      contractId: c.id,
      terms: { ...c.terms, quantity: { kind: "power", mw: "1.00001" } },
      reason: "x",
      asOf: "2026-09-21",
    });
    expect(bad).toMatchObject({ ok: false, code: "invalid", errors: [{ path: "terms.quantity.mw" }] });
    expect(await getContract(pool, OTHER, c.id)).toBeUndefined();
    // the version row itself cannot be edited (append-only trigger)
    await expect(
      pool.query(`UPDATE trading_contract_version SET reason = 'x' WHERE contract_id = $1`, [c.id]),
    ).rejects.toThrow("append-only");
  });

  it("imports a custom profile from CSV as a new version; a bad line is named file:line and nothing changes", async () => {
    const c = await contract(pool, {
      id: "p-profile",
      side: "buy",
      counterpartyId: "gen-a",
      terms: {
        product: { kind: "base" },
        tenor: { kind: "day", date: "2026-11-02" },
        quantity: { kind: "power", mw: "1" },
        price: { kind: "fixed", pricePerMwh: "70" },
      },
    });
    const bad = await importProfile(pool, CTX, {
      contractId: c.id,
      csv: "start,mwh\n2026-11-01T23:00:00Z,1.5\n2026-11-02T00:00:00Z,1,5\n",
      file: "pv.csv",
      reason: "pv forecast",
      asOf: "2026-10-01",
    });
    expect(bad).toMatchObject({ ok: false, code: "invalid" });
    expect(JSON.stringify(bad)).toContain("pv.csv:3");
    const ok = await importProfile(pool, CTX, {
      contractId: c.id,
      csv: "start,mwh\n2026-11-01T23:00:00Z,1.5\n2026-11-02T11:00:00+01:00,2.25\n",
      file: "pv.csv",
      reason: "pv forecast",
      asOf: "2026-10-01",
    });
    expect(ok).toEqual({ ok: true, value: { version: 2, points: 2 } });
    expect((await getContract(pool, CTX, c.id))?.terms.product.kind).toBe("profile");
  });
});

describe("day-ahead prices", () => {
  it("imported the ENTSO-E sample across both DST changes: 743 + 745 hours, the repeated hour kept apart", async () => {
    const march = await listPrices(pool, "BE", Date.UTC(2023, 1, 28, 23), Date.UTC(2023, 2, 31, 22));
    const october = await listPrices(pool, "BE", Date.UTC(2023, 8, 30, 22), Date.UTC(2023, 9, 31, 23));
    expect([march.length, october.length]).toEqual([743, 745]);
    // 29 Oct 2023: 02:00 CEST (00:00Z) −1.01, 02:00 CET (01:00Z) −0.84 EUR/MWh (floats .0010099999904633 and .000839999973774 per kWh)
    expect(october.filter((p) => p.start.startsWith("2023-10-29T0")).slice(0, 2)).toEqual([
      { start: "2023-10-29T00:00:00.000Z", pricePerMwh: "-1.01", resolutionMinutes: 60 },
      { start: "2023-10-29T01:00:00.000Z", pricePerMwh: "-0.84", resolutionMinutes: 60 },
    ]);
  });

  it("refuses a bad documented CSV naming file:line", () => {
    expect(() =>
      parseTradingPriceCsv(
        "start,price_per_mwh\n2023-03-01T00:00:00Z,80.5\n2023-03-01 01:00,81\n2023-03-01T02:00:00Z,1.123456\n",
        "da.csv",
      ),
    ).toThrow(/da.csv:3: start: an ISO 8601 instant.*da.csv:4: price_per_mwh: at most 5 decimals/);
  });
});

describe("delivery notes, invoices, matching, position, capacity, report", () => {
  beforeAll(async () => {
    const month = { kind: "month", month: "2023-03" } as const;
    // three fixed-price sales to cust-b (one invoice), one indexed sale (its own invoice), two purchases
    await contract(pool, {
      id: "s-base",
      side: "sell",
      counterpartyId: "cust-b",
      contractDate: "2023-01-10",
      terms: {
        product: { kind: "base" },
        tenor: month,
        quantity: { kind: "power", mw: "1" },
        price: { kind: "fixed", pricePerMwh: "100" },
      },
    });
    await contract(pool, {
      id: "s-peak",
      side: "sell",
      counterpartyId: "cust-b",
      contractDate: "2023-01-11",
      terms: {
        product: { kind: "peak" },
        tenor: month,
        quantity: { kind: "power", mw: "2" },
        price: { kind: "fixed", pricePerMwh: "120" },
      },
    });
    await contract(pool, {
      id: "s-off",
      side: "sell",
      counterpartyId: "cust-b",
      contractDate: "2023-01-12",
      terms: {
        product: { kind: "offpeak" },
        tenor: month,
        quantity: { kind: "power", mw: "1.5" },
        price: { kind: "fixed", pricePerMwh: "90" },
      },
    });
    await contract(pool, {
      id: "s-idx",
      side: "sell",
      counterpartyId: "cust-b",
      contractDate: "2023-01-13",
      terms: {
        product: { kind: "base" },
        tenor: { kind: "day", date: "2023-03-26" },
        quantity: { kind: "power", mw: "1" },
        price: { kind: "indexed", zone: "BE", spreadPerMwh: "5" },
      },
    });
    await contract(pool, {
      id: "p-base",
      side: "buy",
      counterpartyId: "gen-a",
      contractDate: "2023-01-05",
      terms: {
        product: { kind: "base" },
        tenor: month,
        quantity: { kind: "power", mw: "3" },
        price: { kind: "fixed", pricePerMwh: "85" },
      },
    });
    await contract(pool, {
      id: "p-nl",
      side: "buy",
      counterpartyId: "trader-nl",
      contractDate: "2023-01-06",
      paymentSchedule: "decade",
      terms: {
        product: { kind: "peak" },
        tenor: month,
        quantity: { kind: "power", mw: "1" },
        price: { kind: "fixed", pricePerMwh: "110" },
      },
    });
  });

  it("issues one note per contract and window, idempotently; actual deliveries replace contracted hours", async () => {
    // p-base actually delivered 2.5 MWh in the first hour of March (00:00 CET = 23:00Z)
    await recordDeliveries(pool, CTX, "p-base", [{ start: "2023-02-28T23:00:00Z", mwh: "2.5" }]);
    const first = await issueDeliveryNotes(pool, CTX, { month: "2023-03", timeZone: TZ });
    expect(first.created).toBe(8); // 4 sales + p-base monthly + p-nl in 3 decades
    const again = await issueDeliveryNotes(pool, CTX, { month: "2023-03", timeZone: TZ });
    expect(again.created).toBe(0);
    const notes = await listDeliveryNotes(pool, CTX, { month: "2023-03" });
    const by = new Map(notes.map((n) => [n.contractId, n]));
    // base 1 MW × 743 h (29 March has 23 h) × 100 = 74,300.00
    expect([by.get("s-base")?.quantityMwh, by.get("s-base")?.amountMinor]).toEqual(["743", "7430000"]);
    // peak: 23 weekdays × 12 h = 276 h × 2 MW = 552 MWh × 120 = 66,240.00
    expect([by.get("s-peak")?.quantityMwh, by.get("s-peak")?.amountMinor]).toEqual(["552", "6624000"]);
    // off-peak: 743 − 276 = 467 h × 1.5 = 700.5 MWh × 90 = 63,045.00
    expect([by.get("s-off")?.quantityMwh, by.get("s-off")?.amountMinor]).toEqual(["700.5", "6304500"]);
    // p-base: 742 h × 3 + 2.5 = 2228.5 MWh × 85 = 189,422.50; mixed contracted/actual → "contracted"
    expect([by.get("p-base")?.quantityMwh, by.get("p-base")?.amountMinor, by.get("p-base")?.source]).toEqual([
      "2228.5",
      "18942250",
      "contracted",
    ]);
    expect(notes.filter((n) => n.contractId === "p-nl").map((n) => [n.periodStart, n.quantityMwh])).toEqual([
      ["2023-03-01", "96"], // 8 weekdays (1–10 March) × 12 h
      ["2023-03-11", "72"], // 6 weekdays (13–17, 20 March)
      ["2023-03-21", "108"], // 9 weekdays (21–24, 27–31 March)
    ]);
  });

  it("consolidates the three fixed-price sales into one invoice through billing's store and numbering", async () => {
    const res = await invoiceDeliveryNotes(pool, CTX, {
      month: "2023-03",
      timeZone: TZ,
      issue: true,
      issueDate: "2023-04-03",
    });
    if (!res.ok) throw new Error(JSON.stringify(res));
    expect(res.value.map((i) => [i.priceType, i.notes.length, i.number])).toEqual([
      ["fixed", 3, "INV-000001"],
      ["indexed:BE", 1, "INV-000002"],
    ]);
    const inv = await loadInvoice(pool, res.value[0]?.invoiceId as string);
    // 74,300.00 + 66,240.00 + 63,045.00 = 203,585.00; VAT 0 % (reverse charge)
    expect([inv?.status, inv?.invoice.netMinor, inv?.invoice.totalMinor, inv?.dueDate]).toEqual([
      "issued",
      20358500n,
      20358500n,
      "2023-04-17",
    ]);
    expect(inv?.invoice.lines.map((l) => [l.quantity, l.unit, l.unitPrice])).toEqual([
      ["743000", "kWh", "0.1"],
      ["700500", "kWh", "0.09"],
      ["552000", "kWh", "0.12"],
    ]);
    expect(inv?.buyer).toMatchObject({ customerName: "cust-b NV", contractNumber: "S-BASE, S-OFF, S-PEAK" });
    // billing's PDF renders it (seller: the retailer's trader of the billing contract)
    const seller = await loadSeller(pool, inv?.contractId as string);
    expect(seller.name).toBe("Trade Supply");
    const pdf = await renderInvoicePdf(inv as NonNullable<typeof inv>, seller);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // the indexed day 26 March (23 h): Σ (day-ahead + 5) over its hours, rounded once
    const idx = await loadInvoice(pool, res.value[1]?.invoiceId as string);
    const dayPrices = (
      await listPrices(pool, "BE", Date.UTC(2023, 2, 25, 23), Date.UTC(2023, 2, 26, 22))
    ).map((p) => Number(p.pricePerMwh) * 100);
    const expectedCents = dayPrices.reduce((s, p) => s + p, 0) + 23 * 500;
    expect(dayPrices).toHaveLength(23);
    expect(Number(idx?.invoice.netMinor)).toBe(Math.round(expectedCents));
    expect(
      (await invoiceDeliveryNotes(pool, CTX, { month: "2023-03", timeZone: TZ })).ok &&
        (await listDeliveryNotes(pool, CTX, { invoiced: false })).every((n) => n.side === "buy"),
    ).toBe(true);
  });

  it("checks an incoming invoice against the purchase notes and flags the difference", async () => {
    const notes = (await listDeliveryNotes(pool, CTX, { month: "2023-03" })).filter(
      (n) => n.contractId === "p-nl",
    );
    const lines = notes.map((n) => ({
      noteReference: n.reference,
      quantityMwh: n.quantityMwh,
      amountMinor: n.amountMinor,
    }));
    (lines[1] as { amountMinor: string }).amountMinor = "792100"; // 72 MWh × 110 = 7,920.00 expected
    const r = await recordIncomingInvoice(pool, CTX, {
      counterpartyId: "trader-nl",
      number: "NL-2023-0042",
      lines,
    });
    expect(r).toMatchObject({
      ok: true,
      value: {
        ok: false,
        differences: [{ kind: "amount", expectedMinor: "792000", invoicedMinor: "792100" }],
      },
    });
    expect(
      await recordIncomingInvoice(pool, CTX, { counterpartyId: "trader-nl", number: "NL-2023-0042", lines }),
    ).toMatchObject({ ok: false, code: "conflict" });
  });

  it("matches purchases to sales per hour (FIFO), saves them, refuses over-assignment, reports profit", async () => {
    const p = { from: "2023-03-01", to: "2023-03-02", timeZone: TZ, currency: "EUR" };
    const view = await proposeMatching(pool, CTX, { ...p, method: "fifo" });
    // 1 March (Wednesday), 10:00 CET = 09:00Z: sales 1 + 2 + 0 = 3 MWh; purchases p-base 3 (first by date) + p-nl 1
    const at10 = view.result.matches.filter((m) => m.startMs === Date.UTC(2023, 2, 1, 9));
    expect(at10.map((m) => [m.purchaseId, m.saleId, Number(m.mwh) / 1e4])).toEqual([
      ["p-base", "s-base", 1],
      ["p-base", "s-peak", 2],
    ]);
    // profit: 1 × (100 − 85) + 2 × (120 − 85) = 85; p-nl stays unmatched at 10:00
    expect(at10.reduce((s, m) => s + m.profit, 0n)).toBe(85n * 10_000_000_000n);
    expect(view.result.rest.filter((r) => r.startMs === Date.UTC(2023, 2, 1, 9))).toEqual([
      { dealId: "p-nl", side: "buy", startMs: Date.UTC(2023, 2, 1, 9), mwh: 10_000n },
    ]);
    const manual = await saveMatches(pool, CTX, {
      ...p,
      source: "manual",
      links: [{ purchaseId: "p-nl", saleId: "s-peak", start: "2023-03-01T09:00:00Z", mwh: "1" }],
    });
    expect(manual).toEqual({ ok: true, value: { saved: 1, profit: "10" } }); // 1 × (120 − 110)
    const over = await saveMatches(pool, CTX, {
      ...p,
      source: "manual",
      links: [{ purchaseId: "p-base", saleId: "s-peak", start: "2023-03-01T09:00:00Z", mwh: "1.0001" }],
    });
    expect(over).toMatchObject({ ok: false, code: "invalid", errors: [{ path: "links[0]" }] });
    // the saved link goes first: FIFO now gives s-peak only 1 MWh more from p-base
    const after = await proposeMatching(pool, CTX, { ...p, method: "fifo" });
    expect(after.saved).toBe(1);
    expect(
      after.result.matches
        .filter((m) => m.startMs === Date.UTC(2023, 2, 1, 9))
        .map((m) => [m.purchaseId, m.saleId, Number(m.mwh) / 1e4, m.source]),
    ).toEqual([
      ["p-nl", "s-peak", 1, "manual"],
      ["p-base", "s-base", 1, "fifo"],
      ["p-base", "s-peak", 1, "fifo"],
    ]);
  });

  it("values the open position per hour and day at the day-ahead price", async () => {
    const view = await positionFor(pool, CTX, {
      from: "2023-03-01",
      to: "2023-03-02",
      timeZone: TZ,
      zone: "BE",
    });
    // 1 March: demand 0 (no PODs); sales: base 24 + peak 24 + off-peak 18 = 66; purchases 72 − 0.5 (actual)… the
    // shape is contracted: 3 × 24 = 72, p-nl 12 → open = 66 − 84 = −18 MWh (long)
    expect(view.days[0]).toMatchObject({
      date: "2023-03-01",
      salesMwh: "66.0000",
      purchasesMwh: "84.0000",
      openMwh: "-18.0000",
      hoursWithoutPrice: 0,
    });
    const h3 = view.hours.find((h) => h.start === "2023-03-01T02:00:00.000Z");
    const price = (await listPrices(pool, "BE", Date.UTC(2023, 2, 1, 2), Date.UTC(2023, 2, 1, 3)))[0]
      ?.pricePerMwh;
    // 03:00 CET: off-peak sale 1.5 + base 1 − purchase 3 = −0.5 MWh × price
    expect(h3?.openMwh).toBe("-0.5000");
    expect(Number(h3?.markToMarket)).toBeCloseTo(-0.5 * Number(price), 6);
    expect(positionCsv(view).split("\n")).toHaveLength(25);
  });

  it("holds capacity and exports the statistical return as CSV and xlsx", async () => {
    expect(
      await addCapacityRight(pool, CTX, {
        id: "cap-1",
        border: "BE-NL",
        direction: "NL>BE",
        product: "monthly",
        period: { start: "2023-03-01", end: "2023-04-01" },
        mw: "1",
        pricePerMwh: "0.5",
        currency: "EUR",
        timeZone: TZ,
      }),
    ).toEqual({ ok: true, value: { id: "cap-1", hours: 743 } });
    const bad = await addCapacityRight(pool, CTX, {
      id: "cap-2",
      border: "BE-NL",
      direction: "NL-BE",
      product: "monthly",
      period: { start: "2023-03-01", end: "2023-04-01" },
      mw: "1",
      pricePerMwh: "0.5",
      currency: "EUR",
      timeZone: TZ,
    });
    expect(bad).toMatchObject({ ok: false, errors: [{ path: "right.direction" }] });
    const { rows } = await statisticalReport(pool, CTX, {
      month: "2023-03",
      homeCountry: "BE",
      currency: "EUR",
      timeZone: TZ,
    });
    expect(rows.map((r) => [r.code, r.quantityMwh, r.amountMinor])).toEqual([
      ["1", "2228.5000", 18942250n], // p-base
      ["2.NL", "276.0000", 3036000n], // p-nl: 276 h × 110
      ["3", "2018.5000", expect.any(BigInt) as unknown as bigint], // 743 + 552 + 700.5 + 23 (indexed day)
      ["5", "4523.0000", expect.any(BigInt) as unknown as bigint],
      ["6.NL>BE", "743.0000", 37150n], // 1 MW × 743 h × 0.5
    ]);
    const csv = reportCsv(rows, 2);
    expect(csv.split("\n")[0]).toBe("month,code,label,partner,quantity_mwh,amount,currency");
    expect(csv).toContain("2023-03,2.NL,imports from NL,NL,276.0000,30360.00,EUR");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await reportXlsx(rows, 2)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("V614");
    expect(ws?.getRow(3).values).toEqual([
      undefined,
      "2023-03",
      "2.NL",
      "imports from NL",
      "NL",
      276,
      30360,
      "EUR",
    ]);
    // another retailer sees none of it
    expect((await listContracts(pool, OTHER)).length).toBe(0);
    expect(await listDeliveryNotes(pool, OTHER, { month: "2023-03" })).toEqual([]);
    const theirs = await proposeMatching(pool, OTHER, {
      from: "2023-03-01",
      to: "2023-03-02",
      timeZone: TZ,
      currency: "EUR",
      method: "fifo",
    });
    expect(theirs.result.matches).toEqual([]);
    expect(
      (await positionFor(pool, OTHER, { from: "2023-03-01", to: "2023-03-02", timeZone: TZ, zone: "BE" }))
        .hours,
    ).toEqual([]);
    expect(
      (
        await statisticalReport(pool, OTHER, {
          month: "2023-03",
          homeCountry: "BE",
          currency: "EUR",
          timeZone: TZ,
        })
      ).rows.map((r) => r.quantityMwh),
    ).toEqual(["0.0000", "0.0000", "0.0000"]);
  });
});
