import { type BdewProfile, dayOfYear, householdLoadWh, pvProductionWh } from "@c4e/domain";
import type { Household } from "../demo/fleet.ts";

const partsFormatter = new Map<string, Intl.DateTimeFormat>();

/** Local calendar date, weekday and quarter-hour of an instant in a time zone (DST-aware via Intl). */
export function localQuarter(at: Date, timeZone: string) {
  let f = partsFormatter.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
      hourCycle: "h23",
    });
    partsFormatter.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(p.weekday ?? "");
  return {
    localDate: { year: Number(p.year), month: Number(p.month), day: Number(p.day), weekday },
    quarter: Math.floor((Number(p.hour) * 60 + Number(p.minute)) / 15),
  };
}

/** Deterministic 0..1 noise from a string (FNV-1a): weather and household variation without randomness. */
export function noise(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0xffffffff;
}

export type IntervalEnergy = { loadWh: number; pvWh: number; importWh: bigint; exportWh: bigint };

/**
 * One household's energy in the 15-minute interval that starts at `start`: BDEW H25 load scaled to
 * the household, clear-sky PV with the day's cloudiness (same weather for the whole fleet, 0–0.6),
 * netted into grid import and export.
 */
export function householdInterval(params: {
  household: Household;
  profile: BdewProfile;
  start: Date;
}): IntervalEnergy {
  const { household: h, profile, start } = params;
  const { localDate, quarter } = localQuarter(start, h.timeZone);
  const day = dayOfYear(localDate);
  const dayKey = start.toISOString().slice(0, 10);
  const cloudiness = Math.min(
    0.6,
    0.6 * noise(`weather:${dayKey}`) + 0.1 * noise(`cloud:${dayKey}:${start.getUTCHours()}`),
  );
  const loadWh =
    householdLoadWh({ profile, localDate, quarter, annualKwh: h.annualKwh }) *
    (0.8 + 0.4 * noise(`load:${h.index}:${start.toISOString()}`));
  const pvWh = pvProductionWh({
    peakKw: h.pvPeakW / 1000,
    latitudeDeg: h.latitude,
    longitudeDeg: h.longitude,
    dayOfYear: day,
    utcHourStart: start.getUTCHours() + start.getUTCMinutes() / 60,
    durationMinutes: 15,
    cloudiness,
  });
  const load = Math.round(loadWh);
  const pv = Math.round(pvWh);
  return {
    loadWh: load,
    pvWh: pv,
    importWh: BigInt(Math.max(load - pv, 0)),
    exportWh: BigInt(Math.max(pv - load, 0)),
  };
}
