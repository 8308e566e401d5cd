/**
 * Bills one self-contained case (docs/billing-case.md): reads case.json (and a meter CSV beside it),
 * calls the pure billing functions of @c4e/domain and returns the result as plain JSON. An adapter:
 * the only I/O is reading the case files.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  type AdvanceDeduction,
  type ComputeInvoiceParams,
  type Consumption,
  type ContractTerms,
  type FieldError,
  type IntervalReading,
  type PricePoint,
  type Tariff,
  computeAdvanceInvoice,
  computeAnnualSettlement,
  computeInvoice,
  computeRetroactiveCorrection,
  invoiceToJson,
  parseContractTerms,
  parseTariff,
} from "@c4e/domain";

type CaseFile = {
  description?: string;
  kind?: "monthly" | "advance" | "settlement" | "correction";
  tariff: unknown;
  terms: unknown;
  period: { start: string; end: string };
  timeZone: string;
  consumption?: CaseConsumption;
  marketPrices?: PricePoint[];
  advances?: { reference: string; amountMinor: string }[];
  alreadyDeducted?: string[];
  forecast?: CaseConsumption;
  reading?: { from: { at: string; kwh: string }; to: { at: string; kwh: string } };
  billed?: { reference: string; importKwh: string }[];
  correctedTariff?: unknown;
  issued?: { number: string; period: { start: string; end: string }; consumption: CaseConsumption }[];
};
type CaseConsumption = Consumption | { kind: "intervals"; intervalMinutes?: 15 | 60; csv: string };

/**
 * Runs the case at `path` and returns the invoice JSON (bigints as strings), the list of corrections
 * for a correction case, or `{ errors }` when the tariff or terms are refused.
 * @example await runBillCase("billing/cases/01-single-rate-slp-eur/case.json")
 */
export async function runBillCase(path: string): Promise<unknown> {
  const file = JSON.parse(await readFile(path, "utf8")) as CaseFile;
  const dir = dirname(resolve(path));
  const errors: FieldError[] = [];
  const t = parseTariff(file.tariff);
  if (!t.ok) errors.push(...prefixed(t.errors, "tariff"));
  const c = parseContractTerms(file.terms);
  if (!c.ok) errors.push(...prefixed(c.errors, "terms"));
  const ct = file.correctedTariff === undefined ? undefined : parseTariff(file.correctedTariff);
  if (ct !== undefined && !ct.ok) errors.push(...prefixed(ct.errors, "correctedTariff"));
  if (!t.ok || !c.ok || (ct !== undefined && !ct.ok)) return { errors };
  const tariff: Tariff = t.tariff;
  const terms: ContractTerms = c.terms;
  const corrected = ct?.ok === true ? ct.tariff : undefined;
  const base = { tariff, terms, period: file.period, timeZone: file.timeZone };
  const marketPrices = file.marketPrices ?? [];

  switch (file.kind ?? "monthly") {
    case "monthly": {
      const advances: AdvanceDeduction[] = (file.advances ?? []).map((a) => ({
        reference: a.reference,
        amountMinor: BigInt(a.amountMinor),
      }));
      const consumption = await loadConsumption(required(file.consumption, "consumption"), dir);
      return invoiceToJson(
        computeInvoice({
          ...base,
          consumption,
          marketPrices,
          advances,
          alreadyDeducted: file.alreadyDeducted ?? [],
        }),
      );
    }
    case "advance": {
      const forecast = await loadConsumption(required(file.forecast, "forecast"), dir);
      return invoiceToJson(computeAdvanceInvoice({ ...base, forecast, marketPrices }));
    }
    case "settlement":
      return invoiceToJson(
        computeAnnualSettlement({
          ...base,
          reading: required(file.reading, "reading"),
          billed: file.billed ?? [],
        }),
      );
    case "correction": {
      const invoices = [];
      for (const issued of required(file.issued, "issued")) {
        const params: ComputeInvoiceParams = {
          ...base,
          period: issued.period,
          consumption: await loadConsumption(issued.consumption, dir),
          marketPrices,
        };
        invoices.push({ number: issued.number, params, invoice: computeInvoice(params) });
      }
      const corrections = computeRetroactiveCorrection({
        correctedTariff: required(corrected, "correctedTariff"),
        invoices,
      });
      return corrections.map((c) => ({
        originalInvoiceNumber: c.originalInvoiceNumber,
        invoice: invoiceToJson(c.invoice),
      }));
    }
  }
}

function prefixed(errors: FieldError[], prefix: string): FieldError[] {
  return errors.map((e) => ({ path: e.path === "" ? prefix : `${prefix}.${e.path}`, message: e.message }));
}

function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new Error(`case field ${field} is required`);
  return value;
}

async function loadConsumption(c: CaseConsumption, dir: string): Promise<Consumption> {
  if (c.kind !== "intervals" || !("csv" in c)) return c;
  const text = await readFile(resolve(dir, c.csv), "utf8");
  const intervals = parseMeterCsv(text);
  return { kind: "intervals", intervalMinutes: c.intervalMinutes ?? 15, intervals };
}

/**
 * Meter CSV: header `timestamp,import_kwh,export_kwh`, one row per interval; timestamp = ISO instant
 * of the interval start (with Z or offset), kWh as decimals.
 */
export function parseMeterCsv(text: string): IntervalReading[] {
  const rows = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = rows
    .shift()
    ?.split(",")
    .map((h) => h.trim());
  if (header?.join(",") !== "timestamp,import_kwh,export_kwh") {
    throw new Error(`meter CSV header must be timestamp,import_kwh,export_kwh (got ${header?.join(",")})`);
  }
  return rows.map((row, i) => {
    const [start, importKwh, exportKwh] = row.split(",").map((c) => c.trim());
    if (start === undefined || importKwh === undefined || exportKwh === undefined) {
      throw new Error(`meter CSV line ${i + 2}: needs 3 columns`);
    }
    return { start, importKwh, exportKwh };
  });
}
