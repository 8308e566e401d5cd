/**
 * Bills one self-contained case (docs/billing-case.md): reads case.json (and a meter CSV beside it),
 * calls the pure billing functions of @c4e/domain and returns the result as plain JSON. An adapter:
 * the only I/O is reading the case files.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import {
  type AdvanceDeduction,
  BillingInputError,
  type ComputeInvoiceParams,
  type Consumption,
  type ContractTerms,
  type DataQualityProblem,
  type FieldError,
  type IntervalReading,
  type LocalPeriod,
  type NetMeteringState,
  type PricePoint,
  type InvoiceDataQuality,
  type Tariff,
  checkIntervalData,
  computeAdvanceInvoice,
  computeAnnualSettlement,
  computeInvoice,
  computeRetroactiveCorrection,
  invoiceToJson,
  isValidTimeZone,
  parseContractTerms,
  parseLocalDate,
  parseTariff,
  RefusedInputError,
} from "@c4e/domain";
import { CsvError, parse } from "csv-parse/sync";

type CaseFile = {
  description?: string;
  kind?: "monthly" | "advance" | "settlement" | "correction";
  tariff: unknown;
  terms: unknown;
  period?: LocalPeriod;
  timeZone?: string;
  /** bill data with missing intervals, marked on the invoice (other data problems are always refused) */
  allowIncomplete?: boolean;
  consumption?: CaseConsumption;
  marketPrices?: PricePoint[];
  /** net metering across invoices: credit carried in per band, and whether this is the annual true-up */
  netMetering?: NetMeteringState;
  advances?: { reference: string; amountMinor: string }[];
  alreadyDeducted?: string[];
  forecast?: CaseConsumption;
  reading?: { from: { at: string; kwh: string }; to: { at: string; kwh: string } };
  billed?: { reference: string; importKwh: string }[];
  correctedTariff?: unknown;
  issued?: { number: string; period: LocalPeriod; consumption: CaseConsumption }[];
};
type CaseConsumption = Consumption | { kind: "intervals"; intervalMinutes?: 15 | 60; csv: string };

/** A refused case: every reason as `{ path, message }`, data problems also with their ranges. */
export type BillCaseRefusal = {
  errors: FieldError[];
  dataQuality?: (DataQualityProblem & { path: string })[];
};

/** The mark on an invoice billed from incomplete data (`allowIncomplete`): the domain's, as stored. */
export type IncompleteDataMark = InvoiceDataQuality;

/** True for the `{ errors }` result of a refused case. */
export function isBillCaseRefusal(result: unknown): result is BillCaseRefusal {
  return typeof result === "object" && result !== null && "errors" in result && Array.isArray(result.errors);
}

/**
 * The refusal as an error a command line prints as `path: message` lines: case fields prefixed with
 * the case file (`case.json: period: required`), CSV rows as they are (`meter.csv:17: …`).
 */
export function billCaseRefused(casePath: string, errors: readonly FieldError[]): RefusedInputError {
  const file = basename(casePath);
  return new RefusedInputError(
    `${file} refused (${errors.length} error${errors.length === 1 ? "" : "s"})`,
    errors.map((e) => ({
      path: /\.csv:\d+$/.test(e.path) ? e.path : e.path === "" ? file : `${file}: ${e.path}`,
      message: e.message,
    })),
  );
}

/**
 * Runs the case at `path` and returns the invoice JSON (bigints as strings), the list of corrections
 * for a correction case, or `{ errors }` when the case is refused: a missing or invalid field, a
 * refused tariff or terms, a bad meter CSV row, or interval data that fails the data-quality checks
 * (`checkIntervalData`; missing intervals are billed and marked when the case says `allowIncomplete`).
 * @example await runBillCase("billing/cases/01-single-rate-slp-eur/case.json")
 */
export async function runBillCase(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { errors: [{ path: "", message: `not JSON: ${(error as Error).message}` }] };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { errors: [{ path: "", message: "must be a JSON object" }] };
  }
  const file = parsed as CaseFile;
  const dir = dirname(resolve(path));
  const errors: FieldError[] = [...caseFieldErrors(file)];
  const t = parseTariff(file.tariff);
  if (!t.ok) errors.push(...prefixed(t.errors, "tariff"));
  const c = parseContractTerms(file.terms);
  if (!c.ok) errors.push(...prefixed(c.errors, "terms"));
  const ct = file.correctedTariff === undefined ? undefined : parseTariff(file.correctedTariff);
  if (ct !== undefined && !ct.ok) errors.push(...prefixed(ct.errors, "correctedTariff"));
  if (errors.length > 0 || !t.ok || !c.ok || (ct !== undefined && !ct.ok)) return { errors };
  const tariff: Tariff = t.tariff;
  const terms: ContractTerms = c.terms;
  const corrected = ct?.ok === true ? ct.tariff : undefined;
  const period = file.period as LocalPeriod;
  const timeZone = file.timeZone as string;
  const base = { tariff, terms, period, timeZone };
  const marketPrices = file.marketPrices ?? [];

  // Load every interval series and check it before anything is priced.
  const kind = file.kind ?? "monthly";
  // a correction's output has no place for the mark: its issued consumption must be complete
  const loader = new ConsumptionLoader(dir, timeZone, file.allowIncomplete === true && kind !== "correction");
  const consumption =
    kind === "monthly"
      ? await loader.load(file.consumption as CaseConsumption, "consumption", period)
      : undefined;
  const forecast =
    kind === "advance" ? await loader.load(file.forecast as CaseConsumption, "forecast", period) : undefined;
  const issued = [];
  if (kind === "correction") {
    for (const [i, x] of (file.issued ?? []).entries()) {
      issued.push({
        ...x,
        consumption: await loader.load(x.consumption, `issued[${i}].consumption`, x.period),
      });
    }
  }
  if (loader.errors.length > 0) {
    return loader.dataQuality.length > 0
      ? { errors: loader.errors, dataQuality: loader.dataQuality }
      : { errors: loader.errors };
  }

  try {
    switch (kind) {
      case "monthly": {
        const advances: AdvanceDeduction[] = (file.advances ?? []).map((a) => ({
          reference: a.reference,
          amountMinor: BigInt(a.amountMinor),
        }));
        return loader.marked(
          invoiceToJson(
            computeInvoice({
              ...base,
              consumption: consumption as Consumption,
              marketPrices,
              ...(file.netMetering !== undefined ? { netMetering: file.netMetering } : {}),
              advances,
              alreadyDeducted: file.alreadyDeducted ?? [],
            }),
          ),
          "consumption",
        );
      }
      case "advance":
        return loader.marked(
          invoiceToJson(computeAdvanceInvoice({ ...base, forecast: forecast as Consumption, marketPrices })),
          "forecast",
        );
      case "settlement":
        return invoiceToJson(
          computeAnnualSettlement({
            ...base,
            reading: file.reading as NonNullable<CaseFile["reading"]>,
            billed: file.billed ?? [],
          }),
        );
      case "correction": {
        const invoices = [];
        for (const x of issued) {
          const params: ComputeInvoiceParams = {
            ...base,
            period: x.period,
            consumption: x.consumption,
            marketPrices,
          };
          invoices.push({ number: x.number, params, invoice: computeInvoice(params) });
        }
        const corrections = computeRetroactiveCorrection({
          correctedTariff: corrected as Tariff,
          invoices,
        });
        return corrections.map((c) => ({
          originalInvoiceNumber: c.originalInvoiceNumber,
          invoice: invoiceToJson(c.invoice),
        }));
      }
    }
  } catch (error) {
    // data the tariff cannot bill (a missing market price, a demand finer than the intervals): a refusal
    if (error instanceof BillingInputError)
      return { errors: [{ path: ERROR_PATH[error.code], message: error.message }] };
    throw error;
  }
}

const ERROR_PATH: Record<BillingInputError["code"], string> = {
  invalid_period: "period",
  invalid_time_zone: "timeZone",
  price_not_defined: "tariff",
  consumption_mismatch: "consumption",
  market_price_missing: "marketPrices",
  unsupported_combination: "tariff",
  invalid_input: "consumption",
};

const KINDS = ["monthly", "advance", "settlement", "correction"] as const;
const REQUIRED_BY_KIND: Record<(typeof KINDS)[number], (keyof CaseFile)[]> = {
  monthly: ["consumption"],
  advance: ["forecast"],
  settlement: ["reading"],
  correction: ["issued", "correctedTariff"],
};

/** The case's own fields: kind, period, timeZone and what the kind needs (tariff and terms parse themselves). */
function caseFieldErrors(file: CaseFile): FieldError[] {
  const errors: FieldError[] = [];
  const kind = file.kind ?? "monthly";
  if (!KINDS.includes(kind)) {
    errors.push({ path: "kind", message: `must be one of ${KINDS.join(", ")}` });
    return errors;
  }
  errors.push(...periodErrors(file.period, "period"));
  if (file.timeZone === undefined || file.timeZone === "") {
    errors.push({
      path: "timeZone",
      message: "required: the POD's IANA time zone, e.g. Europe/Berlin (the host's zone is never assumed)",
    });
  } else if (typeof file.timeZone !== "string" || !isValidTimeZone(file.timeZone)) {
    errors.push({ path: "timeZone", message: `unknown IANA time zone ${JSON.stringify(file.timeZone)}` });
  }
  for (const field of REQUIRED_BY_KIND[kind]) {
    if (file[field] === undefined) errors.push({ path: field, message: `required for a ${kind} case` });
  }
  if (file.allowIncomplete !== undefined && typeof file.allowIncomplete !== "boolean") {
    errors.push({ path: "allowIncomplete", message: "must be true or false" });
  }
  errors.push(...netMeteringErrors(file.netMetering, kind));
  for (const [i, x] of (kind === "correction" && Array.isArray(file.issued) ? file.issued : []).entries()) {
    errors.push(...periodErrors(x.period, `issued[${i}].period`));
  }
  return errors;
}

/** `netMetering: { carriedOverKwh?: { band: "kWh" }, carriedOverCredit?: "12.34", trueUp?: boolean }`, monthly cases only. */
function netMeteringErrors(value: unknown, kind: string): FieldError[] {
  if (value === undefined) return [];
  if (kind !== "monthly") return [{ path: "netMetering", message: "only for a monthly case" }];
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return [
      { path: "netMetering", message: "must be an object { carriedOverKwh?, carriedOverCredit?, trueUp? }" },
    ];
  const errors: FieldError[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (key === "trueUp") {
      if (typeof v !== "boolean")
        errors.push({ path: "netMetering.trueUp", message: "must be true or false" });
    } else if (key === "carriedOverCredit") {
      if (typeof v !== "string" || !/^\d+(\.\d+)?$/.test(v))
        errors.push({
          path: "netMetering.carriedOverCredit",
          message: `must be a non-negative decimal string in the tariff's currency (got ${JSON.stringify(v)})`,
        });
    } else if (key === "carriedOverKwh") {
      if (v === null || typeof v !== "object" || Array.isArray(v)) {
        errors.push({
          path: "netMetering.carriedOverKwh",
          message: 'must map bands to kWh, e.g. { "peak": "12.5" }',
        });
        continue;
      }
      for (const [band, kwh] of Object.entries(v as Record<string, unknown>)) {
        if (typeof kwh !== "string" || !/^\d+(\.\d+)?$/.test(kwh))
          errors.push({
            path: `netMetering.carriedOverKwh.${band}`,
            message: `must be a non-negative decimal string (got ${JSON.stringify(kwh)})`,
          });
      }
    } else {
      errors.push({
        path: `netMetering.${key}`,
        message: "unknown field (allowed: carriedOverKwh, carriedOverCredit, trueUp)",
      });
    }
  }
  return errors;
}

function periodErrors(period: unknown, path: string): FieldError[] {
  if (period === undefined)
    return [{ path, message: "required: { start, end } local dates YYYY-MM-DD, end exclusive" }];
  if (typeof period !== "object" || period === null)
    return [{ path, message: "must be { start, end } local dates YYYY-MM-DD, end exclusive" }];
  const p = period as Partial<Record<"start" | "end", unknown>>;
  const errors: FieldError[] = [];
  for (const key of ["start", "end"] as const) {
    const v = p[key];
    if (typeof v !== "string" || parseLocalDate(v) === undefined)
      errors.push({ path: `${path}.${key}`, message: "must be a date YYYY-MM-DD" });
  }
  if (errors.length === 0 && (p.end as string) <= (p.start as string))
    errors.push({ path: `${path}.end`, message: `must be after start ${String(p.start)}` });
  return errors;
}

function prefixed(errors: FieldError[], prefix: string): FieldError[] {
  return errors.map((e) => ({ path: e.path === "" ? prefix : `${prefix}.${e.path}`, message: e.message }));
}

/** Loads interval series (inline or CSV), runs the data-quality checks, collects refusals and marks. */
class ConsumptionLoader {
  readonly errors: FieldError[] = [];
  readonly dataQuality: (DataQualityProblem & { path: string })[] = [];
  private readonly marks = new Map<string, IncompleteDataMark>();

  constructor(
    private readonly dir: string,
    private readonly timeZone: string,
    private readonly allowIncomplete: boolean,
  ) {}

  async load(c: CaseConsumption, path: string, period: LocalPeriod): Promise<Consumption> {
    if (c.kind !== "intervals") return c;
    const intervalMinutes = c.intervalMinutes ?? 15;
    const empty: Consumption = { kind: "intervals", intervalMinutes, intervals: [] };
    if (intervalMinutes !== 15 && intervalMinutes !== 60) {
      this.errors.push({ path: `${path}.intervalMinutes`, message: "must be 15 or 60" });
      return empty;
    }
    let intervals: IntervalReading[];
    if ("csv" in c) {
      const name = c.csv;
      let text: string;
      try {
        text = await readFile(resolve(this.dir, name), "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        this.errors.push({ path: `${path}.csv`, message: `cannot read ${name} (${code ?? String(error)})` });
        return empty;
      }
      const parsed = parseMeterCsv(text, basename(name));
      if (!parsed.ok) {
        this.errors.push(...parsed.errors);
        return empty;
      }
      intervals = parsed.intervals;
    } else intervals = c.intervals;
    const check = checkIntervalData({ period, timeZone: this.timeZone, intervalMinutes, intervals });
    const refused = check.problems.filter((p) => !(this.allowIncomplete && p.code === "missing_intervals"));
    for (const p of refused) {
      this.errors.push({ path, message: `${p.code}: ${p.message}` });
      this.dataQuality.push({ path, ...p });
    }
    const missing = check.problems.find((p) => p.code === "missing_intervals");
    if (refused.length === 0 && missing !== undefined) {
      this.marks.set(path, {
        incomplete: true,
        expectedIntervals: check.expected,
        foundIntervals: check.found,
        missingRanges: missing.ranges,
      });
    }
    return { kind: "intervals", intervalMinutes, intervals };
  }

  /** The invoice JSON with `dataQuality` when the series at `path` was billed incomplete. */
  marked(invoice: unknown, path: string): unknown {
    const mark = this.marks.get(path);
    return mark === undefined ? invoice : { ...(invoice as object), dataQuality: mark };
  }
}

const HEADER = "timestamp,import_kwh,export_kwh";
const KWH = /^\d+(\.\d+)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Meter CSV (csv-parse): header `timestamp,import_kwh,export_kwh`, one row per interval; timestamp =
 * ISO instant of the interval start (with Z or offset), kWh as non-negative decimals with a decimal
 * point. Every row is checked (3 columns, the formats); errors name the line: `meter.csv:17: …`.
 */
export function parseMeterCsv(
  text: string,
  name = "meter.csv",
): { ok: true; intervals: IntervalReading[] } | { ok: false; errors: FieldError[] } {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as unknown as typeof rows;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      return {
        ok: false,
        errors: [{ path: line === undefined ? name : `${name}:${line}`, message: error.message }],
      };
    }
    throw error;
  }
  const errors: FieldError[] = [];
  const header = rows.shift();
  if (header?.record.join(",") !== HEADER) {
    return {
      ok: false,
      errors: [
        {
          path: `${name}:1`,
          message: `header must be ${HEADER} (got ${header?.record.join(",") ?? "nothing"})`,
        },
      ],
    };
  }
  const intervals: IntervalReading[] = [];
  for (const { record, info } of rows) {
    const at = `${name}:${info.lines}`;
    if (record.length !== 3) {
      const comma = record.length > 3 ? " (a decimal comma? kWh take a decimal point: 0.25)" : "";
      errors.push({ path: at, message: `${record.length} columns, expected 3 (${HEADER})${comma}` });
      continue;
    }
    const [start, importKwh, exportKwh] = record as [string, string, string];
    if (!INSTANT.test(start))
      errors.push({ path: at, message: `timestamp: not an ISO instant with Z or offset: ${start}` });
    for (const [column, value] of [
      ["import_kwh", importKwh],
      ["export_kwh", exportKwh],
    ] as const) {
      if (!KWH.test(value)) {
        const hint = value.includes(",") ? " (a decimal comma? kWh take a decimal point: 0.25)" : "";
        errors.push({
          path: at,
          message: `${column}: not a non-negative decimal: ${JSON.stringify(value)}${hint}`,
        });
      }
    }
    intervals.push({ start, importKwh, exportKwh });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, intervals };
}
