/**
 * MSCONS (metered services consumption report, UN/EDIFACT D.04B / D.99A subsets as used by
 * European grid operators) interval messages → metering points, products (OBIS codes) and
 * quantities per interval.
 *
 * Checked: UNB first and UNZ last; UNZ's message count and reference against the UNH…UNT
 * messages and UNB's reference; each UNT's segment count (UNH to UNT inclusive) and reference;
 * every QTY a decimal in the interchange's decimal mark with an interval (its own DTM+163/164, or
 * implied from the location's DTM+163 start and DTM+672 interval length); date formats 303/304 with
 * their UTC offset. Errors name the segment's number, tag and character position. With
 * `strictCounts: false` a wrong UNT/UNZ count is returned as a warning instead (for archives of
 * real messages that carry a wrong count, see test-data/mscons/derrickoswald/SOURCE.md).
 */
import { BillingDecimal } from "../billing/money.ts";
import { obisEnergyUnit, parseObisCode } from "./obis.ts";
import { type EdifactSegment, EdifactError, edifactComponent, parseEdifactSegments } from "./edifact.ts";

export type MsconsValue = {
  /** QTY qualifier: 220 (measured), 46 (delivered), 79, … */
  qualifier: string;
  /** Exact decimal with "." as decimal point. */
  quantity: string;
  /** Unit from the QTY (e.g. "KWH"); null when the message leaves it to the product code. */
  unit: string | null;
  startMs: number;
  endMs: number;
  /** Number and character position of the QTY segment in the interchange. */
  segmentNumber: number;
  position: number;
};

export type MsconsSeries = { productCode: string; values: MsconsValue[] };

export type MsconsLocation = {
  meteringPointId: string;
  periodStartMs: number | null;
  periodEndMs: number | null;
  series: MsconsSeries[];
};

export type MsconsMessage = {
  reference: string;
  messageType: string;
  documentNumber: string;
  locations: MsconsLocation[];
};

export type MsconsInterchange = {
  sender: string;
  recipient: string;
  controlReference: string;
  messages: MsconsMessage[];
  /** Count mismatches accepted with `strictCounts: false`. */
  warnings: string[];
};

const fail = (s: EdifactSegment, detail: string): never => {
  throw new EdifactError(s.tag, s.number, s.position, detail);
};

/**
 * Parses an EDIFACT date/time: format 303 `CCYYMMDDHHMM±ZZ`, 304 `CCYYMMDDHHMMSS±ZZ` (UTC offset in
 * hours), to UTC milliseconds.
 */
export function parseEdifactDateTime(value: string, format: string, s: EdifactSegment): number {
  const m =
    format === "303"
      ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})()([+-])(\d{2})$/.exec(value)
      : format === "304"
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([+-])(\d{2})$/.exec(value)
        : fail(s, `date format ${JSON.stringify(format)} is not 303 or 304 (a time with its UTC offset)`);
  if (m === null) return fail(s, `${JSON.stringify(value)} is not a date of format ${format}`);
  const [, y, mo, d, h, mi, sec, sign, off] = m as unknown as string[];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec || "0"));
  const check = new Date(ms);
  if (
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59
  ) {
    fail(s, `${JSON.stringify(value)} is not a real date and time`);
  }
  return ms - (sign === "-" ? -1 : 1) * Number(off) * 3_600_000;
}

/** Parses an MSCONS interchange. */
export function parseMscons(text: string, options: { strictCounts?: boolean } = {}): MsconsInterchange {
  const strict = options.strictCounts ?? true;
  const { syntax, segments } = parseEdifactSegments(text);
  const warnings: string[] = [];
  const count = (s: EdifactSegment, detail: string) => {
    if (strict) fail(s, detail);
    warnings.push(`segment ${s.number} ${s.tag} at character ${s.position}: ${detail}`);
  };
  const unb = segments[0];
  if (unb === undefined) throw new EdifactError("UNB", 1, 1, "empty interchange");
  if (unb.tag !== "UNB") fail(unb, "an interchange starts with UNB");
  const unz = segments[segments.length - 1]!;
  if (unz.tag !== "UNZ") fail(unz, "an interchange ends with UNZ");
  const controlReference = edifactComponent(unb, 4);

  const messages: MsconsMessage[] = [];
  let i = 1;
  while (i < segments.length - 1) {
    const unh = segments[i]!;
    if (unh.tag !== "UNH") fail(unh, "expected UNH (a message header) here");
    let end = i + 1;
    while (end < segments.length && !["UNT", "UNH", "UNZ"].includes(segments[end]!.tag)) end++;
    const unt = segments[end];
    if (unt === undefined || unt.tag !== "UNT") fail(unh, "message has no UNT trailer");
    const body = segments.slice(i, end + 1);
    const declared = edifactComponent(unt!, 0);
    if (declared !== String(body.length))
      count(unt!, `declares ${declared} segments, the message has ${body.length}`);
    if (edifactComponent(unt!, 1) !== edifactComponent(unh, 0)) {
      fail(
        unt!,
        `reference ${JSON.stringify(edifactComponent(unt!, 1))} differs from UNH's ${JSON.stringify(edifactComponent(unh, 0))}`,
      );
    }
    messages.push(parseMessage(body, syntax.decimalMark));
    i = end + 1;
  }
  if (edifactComponent(unz, 0) !== String(messages.length))
    count(unz, `declares ${edifactComponent(unz, 0)} messages, the interchange has ${messages.length}`);
  if (edifactComponent(unz, 1) !== controlReference) {
    fail(
      unz,
      `reference ${JSON.stringify(edifactComponent(unz, 1))} differs from UNB's ${JSON.stringify(controlReference)}`,
    );
  }
  return {
    sender: edifactComponent(unb, 1),
    recipient: edifactComponent(unb, 2),
    controlReference,
    messages,
    warnings,
  };
}

function parseMessage(body: EdifactSegment[], decimalMark: string): MsconsMessage {
  const unh = body[0]!;
  const messageType = unh.elements[1]?.join(":") ?? "";
  if (!messageType.startsWith("MSCONS:"))
    fail(unh, `message type ${JSON.stringify(messageType)} is not MSCONS`);
  let documentNumber = "";
  const locations: MsconsLocation[] = [];
  let location: MsconsLocation | undefined;
  /** The location's DTM+672 interval length, for QTYs without their own DTMs. */
  let intervalMs: number | null = null;
  let series: MsconsSeries | undefined;
  let pending:
    | {
        s: EdifactSegment;
        qualifier: string;
        quantity: string;
        unit: string | null;
        startMs: number | null;
        endMs: number | null;
      }
    | undefined;

  const flush = () => {
    if (pending === undefined) return;
    const p = pending;
    pending = undefined;
    let { startMs, endMs } = p;
    if (startMs === null && endMs === null) {
      const first = location?.periodStartMs ?? null;
      if (first === null || intervalMs === null) {
        return fail(
          p.s,
          "QTY has no DTM+163/164 and its location gives no DTM+163 start with a DTM+672 interval length",
        );
      }
      startMs = first + series!.values.length * intervalMs;
      endMs = startMs + intervalMs;
    }
    if (startMs === null || endMs === null) fail(p.s, "QTY needs both DTM+163 (start) and DTM+164 (end)");
    series!.values.push({
      qualifier: p.qualifier,
      quantity: p.quantity,
      unit: p.unit,
      startMs: startMs!,
      endMs: endMs!,
      segmentNumber: p.s.number,
      position: p.s.position,
    });
  };

  for (const s of body.slice(1, -1)) {
    switch (s.tag) {
      case "BGM":
        documentNumber = edifactComponent(s, 1);
        break;
      case "LOC": {
        flush();
        if (edifactComponent(s, 0) !== "172") break;
        // C517: the id in 3225 (1st component), or — in some Swiss messages — in 3224 (4th).
        const id = edifactComponent(s, 1, 0) || edifactComponent(s, 1, 3);
        if (id === "") fail(s, "LOC+172 without a metering point id");
        location = { meteringPointId: id, periodStartMs: null, periodEndMs: null, series: [] };
        locations.push(location);
        intervalMs = null;
        series = undefined;
        break;
      }
      case "LIN":
        flush();
        if (location === undefined) fail(s, "LIN before any LOC+172");
        series = { productCode: "", values: [] };
        location!.series.push(series);
        break;
      case "PIA":
        if (series === undefined) fail(s, "PIA before any LIN");
        if (edifactComponent(s, 0) === "5") series!.productCode = edifactComponent(s, 1, 0);
        break;
      case "QTY": {
        flush();
        if (series === undefined) fail(s, "QTY before any LIN");
        const raw = edifactComponent(s, 0, 1);
        const normal = decimalMark === "." ? raw : raw.replace(decimalMark, ".");
        if (!/^-?\d+(\.\d+)?$/.test(normal))
          fail(
            s,
            `quantity ${JSON.stringify(raw)} is not a decimal with mark ${JSON.stringify(decimalMark)}`,
          );
        pending = {
          s,
          qualifier: edifactComponent(s, 0, 0),
          quantity: new BillingDecimal(normal).toFixed(),
          unit: edifactComponent(s, 0, 2) || null,
          startMs: null,
          endMs: null,
        };
        break;
      }
      case "DTM": {
        const q = edifactComponent(s, 0, 0);
        if (pending !== undefined && (q === "163" || q === "164")) {
          const t = parseEdifactDateTime(edifactComponent(s, 0, 1), edifactComponent(s, 0, 2), s);
          if (q === "163") pending.startMs = t;
          else pending.endMs = t;
        } else if (location !== undefined && series === undefined) {
          if (q === "163")
            location.periodStartMs = parseEdifactDateTime(
              edifactComponent(s, 0, 1),
              edifactComponent(s, 0, 2),
              s,
            );
          if (q === "164")
            location.periodEndMs = parseEdifactDateTime(
              edifactComponent(s, 0, 1),
              edifactComponent(s, 0, 2),
              s,
            );
          if (q === "672") {
            const n = Number(edifactComponent(s, 0, 1));
            const unit = edifactComponent(s, 0, 2);
            const per = unit === "806" ? 60_000 : unit === "805" ? 3_600_000 : 0;
            if (!Number.isInteger(n) || n <= 0 || per === 0)
              fail(
                s,
                `interval length ${JSON.stringify(edifactComponent(s, 0, 1))} in unit ${unit} (806 minutes, 805 hours)`,
              );
            intervalMs = n * per;
          }
        }
        break;
      }
      default:
        break;
    }
  }
  flush();
  return { reference: edifactComponent(unh, 0), messageType, documentNumber, locations };
}

/**
 * The unit of a series' quantities: the QTYs' own unit when they all give the same one, else the
 * unit its OBIS product code implies; undefined when neither says (the import must then refuse or
 * ask). Refuses QTYs that disagree with each other, naming the segment.
 */
export function msconsSeriesUnit(series: MsconsSeries): string | undefined {
  const given = series.values.find((v) => v.unit !== null)?.unit ?? null;
  for (const v of series.values) {
    if (v.unit !== given) {
      throw new EdifactError(
        "QTY",
        v.segmentNumber,
        v.position,
        `unit ${JSON.stringify(v.unit)} differs from the series' ${JSON.stringify(given)}`,
      );
    }
  }
  if (given !== null) return given === "KWH" ? "kWh" : given;
  const obis = parseObisCode(series.productCode);
  return obis === undefined ? undefined : obisEnergyUnit(obis);
}

/** Sum of a series' quantities, exact, as a decimal string. */
export function sumMsconsQuantities(values: readonly MsconsValue[]): string {
  return values.reduce((s, v) => s.plus(v.quantity), new BillingDecimal(0)).toFixed();
}
