import { parseIsoInstant } from "../iso-instant.ts";
import { refuse } from "./errors.ts";

/** A half-open validity `[fromMs, toMs)` in UTC milliseconds; `toMs` null = open-ended. */
export type Validity = { fromMs: number; toMs: number | null };

/** An interval of a series: `[startMs, endMs)` in UTC milliseconds. */
export type Interval = { startMs: number; endMs: number };

/** True when the instant lies in the validity. */
export function isValidAt(v: Validity, ms: number): boolean {
  return v.fromMs <= ms && (v.toMs === null || ms < v.toMs);
}

/** True when two validities share at least one instant. */
export function overlaps(a: Validity, b: Validity): boolean {
  return (b.toMs === null || a.fromMs < b.toMs) && (a.toMs === null || b.fromMs < a.toMs);
}

/**
 * How an interval relates to a validity: wholly inside, wholly outside, or cut by a boundary
 * (which a caller must refuse: a formula term or link cannot change in the middle of an interval).
 */
export function coverage(v: Validity, iv: Interval): "inside" | "outside" | "partial" {
  const startsIn = v.fromMs <= iv.startMs;
  const endsIn = v.toMs === null || iv.endMs <= v.toMs;
  if (startsIn && endsIn) return "inside";
  if (iv.endMs <= v.fromMs || (v.toMs !== null && iv.startMs >= v.toMs)) return "outside";
  return "partial";
}

/** Parses an ISO instant (with `Z` or an offset) or refuses naming `where`. */
export function instantMs(text: unknown, where: string): number {
  if (typeof text !== "string") refuse(where, `expected an ISO-8601 instant, got ${JSON.stringify(text)}`);
  const d = parseIsoInstant(text);
  if (d === null) refuse(where, `not an ISO-8601 instant with Z or an offset: ${JSON.stringify(text)}`);
  return d.getTime();
}

/** Parses `from` / optional `to` into a validity (from < to), refusing with `where`. */
export function parseValidity(from: unknown, to: unknown, where: string): Validity {
  const fromMs = instantMs(from, `${where}.from`);
  const toMs = to === undefined || to === null ? null : instantMs(to, `${where}.to`);
  if (toMs !== null && toMs <= fromMs)
    refuse(where, `validity ends (${String(to)}) at or before it starts (${String(from)})`);
  return { fromMs, toMs };
}

/** A validity for messages: `[2025-01-01T00:00:00.000Z, open)`. */
export function describeValidity(v: Validity): string {
  return `[${new Date(v.fromMs).toISOString()}, ${v.toMs === null ? "open" : new Date(v.toMs).toISOString()})`;
}
