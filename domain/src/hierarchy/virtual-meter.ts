/**
 * Virtual meters: a meter whose value per interval is a linear formula over other meters (real or
 * virtual) — sums, differences, and terms scaled by an exact decimal factor — where each term has
 * its own validity (a sub-meter added in March counts from March on).
 *
 * Text form (documented in docs/distribution.md):
 *
 *     formula  := term (("+" | "-") term)*
 *     term     := [factor "*"] "{" meterId "}" [validity]
 *     factor   := digits ["." digits]
 *     validity := "[" [instant] ".." [instant] ")"        half-open, either side may be left out
 *
 * @example parseVirtualMeterFormula("{MAIN} - {A} - 0.5 * {B}[2025-03-01T00:00:00Z..)")
 *
 * JSON form: `{ "terms": [{ "meter": "A", "factor": "-0.5", "from": "…", "to": null }] }`.
 *
 * Evaluation per interval: Σ factor × value over the terms valid in that interval, computed exactly
 * and rounded once to an integer (half away from zero). A missing input of a valid term makes the
 * virtual value missing (null), never zero; a term not valid in an interval is not read at all.
 */
import { BillingDecimal } from "../billing/money.ts";
import { type HierarchyIssue, HierarchyError, refuse } from "./errors.ts";
import { type Interval, type Validity, coverage, describeValidity, instantMs } from "./validity.ts";

export type FormulaTerm = {
  meterId: string;
  /** Exact factor: 1 for a plain sum, -1 for a difference, 0.5 for a half share. */
  factor: BillingDecimal;
  /** When this term counts; null bounds are open. */
  validity: { fromMs: number | null; toMs: number | null };
};

export type VirtualMeterFormula = { terms: readonly FormulaTerm[] };

/** A per-interval series: interval start (UTC ms) → integer quantity (Wh or litres). */
export type Series = ReadonlyMap<number, bigint>;

const FACTOR = /^\d+(\.\d+)?$/;

/**
 * Parses the text form; throws a HierarchyError naming the character position on bad input.
 * @example parseVirtualMeterFormula("{A} + 2 * {B}").terms.length // 2
 */
export function parseVirtualMeterFormula(text: string): VirtualMeterFormula {
  let pos = 0;
  const fail = (message: string): never => refuse(`formula at position ${pos + 1}`, message);
  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const terms: FormulaTerm[] = [];
  let sign = 1;
  skip();
  if (text[pos] === "-") {
    sign = -1;
    pos++;
    skip();
  } else if (text[pos] === "+") {
    pos++;
    skip();
  }
  for (;;) {
    let factor = new BillingDecimal(1);
    const numberMatch = /^\d+(\.\d+)?/.exec(text.slice(pos));
    if (numberMatch !== null) {
      factor = new BillingDecimal(numberMatch[0]);
      pos += numberMatch[0].length;
      skip();
      if (text[pos] !== "*") fail(`expected "*" after the factor ${numberMatch[0]}`);
      pos++;
      skip();
    }
    if (text[pos] !== "{") fail(`expected "{meter id}" but found ${describe(text, pos)}`);
    const close = text.indexOf("}", pos);
    if (close < 0) fail(`unclosed "{"`);
    const meterId = text.slice(pos + 1, close).trim();
    if (meterId === "") fail("empty meter id");
    pos = close + 1;
    skip();
    let validity: FormulaTerm["validity"] = { fromMs: null, toMs: null };
    if (text[pos] === "[") {
      const end = text.indexOf(")", pos);
      if (end < 0) fail(`unclosed validity "[": it ends with ")" (half-open)`);
      const body = text.slice(pos + 1, end);
      const parts = body.split("..");
      if (parts.length !== 2) fail(`validity must be "[from..to)", got ${JSON.stringify(`[${body})`)}`);
      const where = `formula at position ${pos + 1}`;
      const [from, to] = parts.map((p) => p.trim()) as [string, string];
      validity = {
        fromMs: from === "" ? null : instantMs(from, where),
        toMs: to === "" ? null : instantMs(to, where),
      };
      if (validity.fromMs !== null && validity.toMs !== null && validity.toMs <= validity.fromMs) {
        fail(`validity ends at or before it starts: [${body})`);
      }
      pos = end + 1;
      skip();
    }
    terms.push({ meterId, factor: sign < 0 ? factor.neg() : factor, validity });
    if (pos >= text.length) break;
    const op = text[pos];
    if (op !== "+" && op !== "-") fail(`expected "+", "-" or the end but found ${describe(text, pos)}`);
    sign = op === "+" ? 1 : -1;
    pos++;
    skip();
  }
  return { terms };
}

function describe(text: string, pos: number): string {
  return pos >= text.length ? "the end" : JSON.stringify(text.slice(pos, pos + 12));
}

/**
 * Parses the JSON form (already `JSON.parse`d); refuses naming the path, e.g. `terms[1].factor`.
 * A factor is a decimal string, optionally negative ("-1" for a difference).
 */
export function parseVirtualMeterJson(value: unknown): VirtualMeterFormula {
  if (typeof value !== "object" || value === null || !Array.isArray((value as { terms?: unknown }).terms)) {
    refuse("formula", `expected { "terms": [...] }`);
  }
  const raw = (value as { terms: unknown[] }).terms;
  if (raw.length === 0) refuse("terms", "a formula needs at least one term");
  const terms = raw.map((t, i): FormulaTerm => {
    const where = `terms[${i}]`;
    if (typeof t !== "object" || t === null) refuse(where, "expected an object");
    const o = t as Record<string, unknown>;
    if (typeof o.meter !== "string" || o.meter.trim() === "") refuse(`${where}.meter`, "expected a meter id");
    const f = o.factor === undefined ? "1" : o.factor;
    if (typeof f !== "string" || !FACTOR.test(f.replace(/^-/, ""))) {
      refuse(
        `${where}.factor`,
        `expected a decimal string such as "0.5" or "-1", got ${JSON.stringify(o.factor)}`,
      );
    }
    const fromMs = o.from === undefined || o.from === null ? null : instantMs(o.from, `${where}.from`);
    const toMs = o.to === undefined || o.to === null ? null : instantMs(o.to, `${where}.to`);
    if (fromMs !== null && toMs !== null && toMs <= fromMs)
      refuse(where, "validity ends at or before it starts");
    return { meterId: o.meter.trim(), factor: new BillingDecimal(f), validity: { fromMs, toMs } };
  });
  return { terms };
}

/** The formula back in its text form (round-trips through parseVirtualMeterFormula). */
export function formatVirtualMeterFormula(formula: VirtualMeterFormula): string {
  return formula.terms
    .map((t, i) => {
      const neg = t.factor.isNegative();
      const abs = t.factor.abs();
      const op = i === 0 ? (neg ? "-" : "") : neg ? " - " : " + ";
      const scaled = abs.eq(1) ? "" : `${abs.toFixed()} * `;
      const v = t.validity;
      const validity =
        v.fromMs === null && v.toMs === null
          ? ""
          : `[${v.fromMs === null ? "" : new Date(v.fromMs).toISOString()}..${v.toMs === null ? "" : new Date(v.toMs).toISOString()})`;
      return `${op}${scaled}{${t.meterId}}${validity}`;
    })
    .join("");
}

function termValidity(t: FormulaTerm): Validity {
  return { fromMs: t.validity.fromMs ?? Number.MIN_SAFE_INTEGER, toMs: t.validity.toMs };
}

/**
 * Evaluates one formula over intervals from the input series. Returns one value per interval:
 * an integer, or null when an input of a term valid in that interval is missing.
 * Throws when a term's validity starts or ends inside an interval.
 */
export function evaluateFormula(
  formula: VirtualMeterFormula,
  intervals: readonly Interval[],
  seriesOf: (meterId: string) => Series | undefined,
  name = "virtual meter",
): (bigint | null)[] {
  return intervals.map((iv) => {
    let sum = new BillingDecimal(0);
    for (const [i, t] of formula.terms.entries()) {
      const c = coverage(termValidity(t), iv);
      if (c === "outside") continue;
      if (c === "partial") {
        refuse(
          `${name} term ${i + 1} {${t.meterId}}`,
          `validity ${describeValidity(termValidity(t))} cuts the interval starting ${new Date(iv.startMs).toISOString()}`,
        );
      }
      const v = seriesOf(t.meterId)?.get(iv.startMs);
      if (v === undefined) return null;
      sum = sum.plus(t.factor.times(v.toString()));
    }
    return BigInt(sum.toDecimalPlaces(0, BillingDecimal.ROUND_HALF_UP).toFixed(0));
  });
}

/**
 * Evaluates a set of virtual meters that may refer to each other and to measured meters.
 * Returns each virtual meter's series (missing intervals are absent from the map, as in the
 * inputs). Throws a HierarchyError for a formula referring to an unknown meter, a virtual meter
 * that is also measured, or a cycle (naming the meters in it).
 */
export function evaluateVirtualMeters(params: {
  virtualMeters: ReadonlyMap<string, VirtualMeterFormula>;
  measured: ReadonlyMap<string, Series>;
  intervals: readonly Interval[];
}): Map<string, Map<number, bigint>> {
  const { virtualMeters, measured, intervals } = params;
  const issues: HierarchyIssue[] = [];
  for (const [id, f] of virtualMeters) {
    if (measured.has(id)) issues.push({ where: `virtual meter ${id}`, message: "is also a measured meter" });
    f.terms.forEach((t, i) => {
      if (!measured.has(t.meterId) && !virtualMeters.has(t.meterId)) {
        issues.push({
          where: `virtual meter ${id} term ${i + 1}`,
          message: `unknown meter ${JSON.stringify(t.meterId)}`,
        });
      }
    });
  }
  if (issues.length > 0) throw new HierarchyError(issues);
  assertNoFormulaCycle(virtualMeters);

  const done = new Map<string, Map<number, bigint>>();
  const resolve = (id: string): Series | undefined => {
    const m = measured.get(id);
    if (m !== undefined) return m;
    const cached = done.get(id);
    if (cached !== undefined) return cached;
    const formula = virtualMeters.get(id);
    if (formula === undefined) return undefined;
    const values = evaluateFormula(formula, intervals, resolve, `virtual meter ${id}`);
    const series = new Map<number, bigint>();
    values.forEach((v, i) => {
      if (v !== null) series.set(intervals[i]!.startMs, v);
    });
    done.set(id, series);
    return series;
  };
  for (const id of virtualMeters.keys()) resolve(id);
  return done;
}

/** Refuses a virtual meter that depends on itself, whatever the terms' validities. */
function assertNoFormulaCycle(virtualMeters: ReadonlyMap<string, VirtualMeterFormula>): void {
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (id: string): void => {
    const formula = virtualMeters.get(id);
    if (formula === undefined || state.get(id) === "done") return;
    if (state.get(id) === "visiting") {
      refuse(`virtual meter ${id}`, `formula cycle ${[...path.slice(path.indexOf(id)), id].join(" → ")}`);
    }
    state.set(id, "visiting");
    path.push(id);
    for (const t of formula.terms) visit(t.meterId);
    path.pop();
    state.set(id, "done");
  };
  for (const id of virtualMeters.keys()) visit(id);
}
