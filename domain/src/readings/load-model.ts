/**
 * Household load (BDEW H25 standard load profile) and PV production (clear-sky model) for the
 * meter simulator. Results are plain `number` Wh (simulation, not money); the caller rounds.
 */

import { daysInMonth } from "../iso-instant.ts";

/** BDEW day types: SA Saturday, FT Sunday or public holiday (Feiertag), WT working day. */
export type BdewDayType = "SA" | "FT" | "WT";

export const BDEW_DAY_TYPES: readonly BdewDayType[] = ["SA", "FT", "WT"];

/** The profile's values are for a customer consuming about this much per year. */
export const BDEW_PROFILE_ANNUAL_KWH = 1_000_000;

export const QUARTERS_PER_DAY = 96;

/** A parsed BDEW 2025 profile (H25, G25, L25, P25 or S25 file layout). */
export interface BdewProfile {
  /** kWh drawn in each quarter-hour for ~1 GWh/a: `kwhPerQuarter[month 0..11][dayType][quarter 0..95]`. */
  readonly kwhPerQuarter: readonly Readonly<Record<BdewDayType, readonly number[]>>[];
}

/** The CSV is not in the BDEW 2025 layout. */
export class BdewProfileFormatError extends Error {
  override readonly name = "BdewProfileFormatError";
}

const GERMAN_MONTHS = [
  "Januar",
  "Februar",
  "März",
  "April",
  "Mai",
  "Juni",
  "Juli",
  "August",
  "September",
  "Oktober",
  "November",
  "Dezember",
];

/**
 * Parses a BDEW 2025 profile CSV: a month header row, a day-type header row (`[kWh]`, then SA/FT/WT
 * per month) and 96 quarter-hour rows `00:00-00:15` … `23:45-00:00` with 36 kWh values each.
 * Throws `BdewProfileFormatError` on anything else.
 */
export function parseBdewProfile(csv: string): BdewProfile {
  const lines = csv
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "");
  const fail = (message: string): never => {
    throw new BdewProfileFormatError(message);
  };
  if (lines.length !== 2 + QUARTERS_PER_DAY) {
    fail(`expected 2 header rows and ${QUARTERS_PER_DAY} data rows, got ${lines.length} rows`);
  }
  const cells = lines.map((line) => line.split(",").map((cell) => cell.trim()));
  const columns = 1 + 12 * 3;
  cells.forEach((row, i) => {
    if (row.length !== columns) fail(`row ${i + 1}: expected ${columns} cells, got ${row.length}`);
  });

  const months = cells[0] ?? [];
  const dayTypes = cells[1] ?? [];
  if (dayTypes[0] !== "[kWh]") fail(`row 2: first cell must be [kWh], got ${JSON.stringify(dayTypes[0])}`);
  const columnOf: Record<BdewDayType, number>[] = [];
  for (let month = 0; month < 12; month++) {
    const byType: Partial<Record<BdewDayType, number>> = {};
    for (let k = 0; k < 3; k++) {
      const column = 1 + month * 3 + k;
      if (months[column] !== GERMAN_MONTHS[month]) {
        fail(`row 1, column ${column + 1}: expected ${GERMAN_MONTHS[month]}, got ${months[column]}`);
      }
      const type = dayTypes[column] as BdewDayType;
      if (!BDEW_DAY_TYPES.includes(type) || byType[type] !== undefined) {
        fail(`row 2, column ${column + 1}: unexpected day type ${dayTypes[column]}`);
      }
      byType[type] = column;
    }
    columnOf.push(byType as Record<BdewDayType, number>);
  }

  const values: number[][] = [];
  for (let quarter = 0; quarter < QUARTERS_PER_DAY; quarter++) {
    const row = cells[2 + quarter] ?? [];
    const label = `${clock(quarter)}-${clock((quarter + 1) % QUARTERS_PER_DAY)}`;
    if (row[0] !== label) fail(`row ${quarter + 3}: expected label ${label}, got ${row[0]}`);
    values.push(
      row.slice(1).map((cell, k) => {
        if (!/^\d+(\.\d+)?$/.test(cell))
          fail(`row ${quarter + 3}, column ${k + 2}: not a kWh value: ${cell}`);
        return Number(cell);
      }),
    );
  }

  const kwhPerQuarter = columnOf.map((byType) => {
    const series = (type: BdewDayType) => values.map((row) => row[byType[type] - 1] ?? 0);
    return { SA: series("SA"), FT: series("FT"), WT: series("WT") };
  });
  return { kwhPerQuarter };
}

/** A local calendar date with its weekday (0 = Sunday … 6 = Saturday). */
export interface LocalDate {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** 1..31 */
  readonly day: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
}

export interface HouseholdLoadParams {
  readonly profile: BdewProfile;
  /** Date in the household's local time zone (BDEW profiles are in local clock time). */
  readonly localDate: LocalDate;
  /** Local quarter-hour of the day, 0 = 00:00–00:15 … 95 = 23:45–24:00. */
  readonly quarter: number;
  readonly annualKwh: number;
  /** A public holiday uses the Sunday profile (FT). */
  readonly holiday?: boolean;
}

/**
 * Household consumption in one local quarter-hour, in Wh: the H25 value for the month and day type,
 * times the BDEW dynamisation factor for the day of year, scaled from 1 GWh/a to `annualKwh`.
 * On DST days the caller maps clock time to quarters (23 h day: skip 4; 25 h day: repeat 4).
 * @example householdLoadWh({ profile, localDate: { year: 2025, month: 1, day: 6, weekday: 1 }, quarter: 0,
 *   annualKwh: 3500 }) // ≈ 88 Wh (20.126 kWh × F(6) 1.250 × 3500 / 1e6 × 1000)
 */
export function householdLoadWh(params: HouseholdLoadParams): number {
  const { profile, localDate, quarter, annualKwh } = params;
  if (!Number.isInteger(quarter) || quarter < 0 || quarter >= QUARTERS_PER_DAY) {
    throw new RangeError(`quarter must be an integer 0..95, got ${quarter}`);
  }
  if (!Number.isFinite(annualKwh) || annualKwh < 0) {
    throw new RangeError(`annualKwh must be a finite non-negative number, got ${annualKwh}`);
  }
  const day = dayOfYear(localDate);
  const type = bdewDayType({ weekday: localDate.weekday, holiday: params.holiday ?? false });
  const kwh = profile.kwhPerQuarter[localDate.month - 1]?.[type][quarter];
  if (kwh === undefined) throw new RangeError(`profile has no value for month ${localDate.month}`);
  return (kwh * bdewDynamisationFactor(day) * annualKwh * 1000) / BDEW_PROFILE_ANNUAL_KWH;
}

/** SA for Saturday, FT for Sunday or a holiday, WT otherwise. */
export function bdewDayType(params: { weekday: number; holiday: boolean }): BdewDayType {
  if (params.holiday || params.weekday === 0) return "FT";
  return params.weekday === 6 ? "SA" : "WT";
}

/**
 * BDEW dynamisation for H25/P25/S25, day of year t = 1…366:
 * F(t) = −3.92e−10·t⁴ + 3.2e−7·t³ − 7.02e−5·t² + 0.0021·t + 1.24 (winter ≈ 1.24, summer ≈ 0.8).
 */
export function bdewDynamisationFactor(dayOfYear: number): number {
  const t = dayOfYear;
  return -3.92e-10 * t ** 4 + 3.2e-7 * t ** 3 - 7.02e-5 * t ** 2 + 0.0021 * t + 1.24;
}

/** Day of year (1 = 1 January), checking that the date exists and the weekday matches it. */
export function dayOfYear(date: LocalDate): number {
  const { year, month, day, weekday } = date;
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`invalid year/month ${year}-${month}`);
  }
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`invalid day ${year}-${month}-${day}`);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  if (utc.getUTCDay() !== weekday) {
    throw new RangeError(
      `${year}-${month}-${day} is weekday ${utc.getUTCDay()}, not ${weekday} (0 = Sunday)`,
    );
  }
  const jan1 = new Date(0);
  jan1.setUTCFullYear(year, 0, 1);
  return Math.round((utc.getTime() - jan1.getTime()) / 86_400_000) + 1;
}

function clock(quarter: number): string {
  const minutes = quarter * 15;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

// ---------------------------------------------------------------------------------------------

/** Temperature, inverter and wiring losses of a typical rooftop system. */
export const PV_SYSTEM_FACTOR = 0.8;

/** Share of clear-sky output lost at full cloud cover. */
export const PV_CLOUD_LOSS = 0.75;

export interface PvProductionParams {
  /** Installed peak power (kWp at 1000 W/m²). */
  readonly peakKw: number;
  readonly latitudeDeg: number;
  /** East positive. */
  readonly longitudeDeg: number;
  /** 1 = 1 January. */
  readonly dayOfYear: number;
  /** Start of the interval in UTC hours since midnight (may be fractional, e.g. 10.25). */
  readonly utcHourStart: number;
  readonly durationMinutes: number;
  /** 0 = clear sky … 1 = overcast. */
  readonly cloudiness: number;
}

const DEG = Math.PI / 180;

/**
 * PV energy in an interval, in Wh, from a clear-sky model for a horizontal plant: solar elevation
 * from declination and hour angle (with the equation of time), irradiance ∝ sin(elevation)
 * attenuated by air mass (Meinel, Kasten–Young), times peak power, the system factor 0.8 and
 * (1 − 0.75 × cloudiness). Zero while the sun is below the horizon. Integrated in ≤ 1-minute steps.
 * @example pvProductionWh({ peakKw: 10, latitudeDeg: 50, longitudeDeg: 10, dayOfYear: 172,
 *   utcHourStart: 11, durationMinutes: 60, cloudiness: 0 }) // ≈ 6,900 Wh
 */
export function pvProductionWh(params: PvProductionParams): number {
  const { peakKw, latitudeDeg, longitudeDeg, dayOfYear, utcHourStart, durationMinutes, cloudiness } = params;
  const numbers = { peakKw, latitudeDeg, longitudeDeg, dayOfYear, utcHourStart, durationMinutes, cloudiness };
  for (const [name, value] of Object.entries(numbers)) {
    if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
  }
  if (peakKw < 0) throw new RangeError(`peakKw must be non-negative, got ${peakKw}`);
  if (durationMinutes < 0)
    throw new RangeError(`durationMinutes must be non-negative, got ${durationMinutes}`);
  if (cloudiness < 0 || cloudiness > 1)
    throw new RangeError(`cloudiness must be within 0..1, got ${cloudiness}`);
  if (Math.abs(latitudeDeg) > 90)
    throw new RangeError(`latitudeDeg must be within -90..90, got ${latitudeDeg}`);
  if (durationMinutes === 0 || peakKw === 0) return 0;

  const steps = Math.max(1, Math.ceil(durationMinutes));
  const stepHours = durationMinutes / 60 / steps;
  let clearSkyFraction = 0; // ∫ relative irradiance dt, in hours
  for (let i = 0; i < steps; i++) {
    const utcHour = utcHourStart + (i + 0.5) * stepHours;
    clearSkyFraction += relativeIrradiance(latitudeDeg, longitudeDeg, dayOfYear, utcHour) * stepHours;
  }
  return peakKw * 1000 * clearSkyFraction * PV_SYSTEM_FACTOR * (1 - PV_CLOUD_LOSS * cloudiness);
}

/** Sine of the solar elevation (negative below the horizon). */
export function solarElevationSine(params: {
  latitudeDeg: number;
  longitudeDeg: number;
  dayOfYear: number;
  utcHour: number;
}): number {
  const { latitudeDeg, longitudeDeg, dayOfYear, utcHour } = params;
  // Cooper (1969) declination; equation of time (Spencer-style approximation) in minutes.
  const declination = 23.44 * DEG * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365);
  const b = (2 * Math.PI * (dayOfYear - 81)) / 364;
  const equationOfTimeMin = 9.87 * Math.sin(2 * b) - 7.53 * Math.cos(b) - 1.5 * Math.sin(b);
  const solarHour = utcHour + longitudeDeg / 15 + equationOfTimeMin / 60;
  const hourAngle = 15 * DEG * (solarHour - 12);
  const lat = latitudeDeg * DEG;
  return Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngle);
}

/** Clear-sky horizontal irradiance relative to 1000 W/m² with the sun at the zenith. */
function relativeIrradiance(latitudeDeg: number, longitudeDeg: number, dayOfYear: number, utcHour: number) {
  const sinElevation = solarElevationSine({ latitudeDeg, longitudeDeg, dayOfYear, utcHour });
  if (sinElevation <= 0) return 0;
  const elevationDeg = Math.asin(sinElevation) / DEG;
  const airMass = 1 / (sinElevation + 0.50572 * (elevationDeg + 6.07995) ** -1.6364);
  // Meinel: transmittance 0.7^(AM^0.678), normalised to 1 at air mass 1.
  return sinElevation * 0.7 ** (airMass ** 0.678 - 1);
}
