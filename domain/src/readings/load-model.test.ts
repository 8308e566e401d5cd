import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BdewProfileFormatError,
  bdewDayType,
  bdewDynamisationFactor,
  dayOfYear,
  householdLoadWh,
  type LocalDate,
  parseBdewProfile,
  pvProductionWh,
} from "./load-model.ts";

// The real H25 table from stack/data (a test may read files; the domain code does not).
const H25_CSV = readFileSync(new URL("../../../stack/data/bdew-h25.csv", import.meta.url), "utf8");
const H25 = parseBdewProfile(H25_CSV);

function* days(year: number): Generator<LocalDate> {
  for (
    const d = new Date(Date.UTC(year, 0, 1));
    d.getUTCFullYear() === year;
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    yield { year, month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
  }
}

describe("parseBdewProfile", () => {
  it("reads 12 months × 3 day types × 96 quarters", () => {
    expect(H25.kwhPerQuarter).toHaveLength(12);
    for (const month of H25.kwhPerQuarter) {
      for (const type of ["SA", "FT", "WT"] as const) expect(month[type]).toHaveLength(96);
    }
    // First data row: 00:00-00:15, Januar SA/FT/WT = 22.152, 23.148, 20.126; Dezember WT = 19.959
    expect([H25.kwhPerQuarter[0]?.SA[0], H25.kwhPerQuarter[0]?.FT[0], H25.kwhPerQuarter[0]?.WT[0]]).toEqual([
      22.152, 23.148, 20.126,
    ]);
    expect(H25.kwhPerQuarter[11]?.WT[0]).toBe(19.959);
  });

  it("matches the spot checks in SOURCE.md", () => {
    const daySum = (month: number) => (H25.kwhPerQuarter[month]?.WT ?? []).reduce((a, b) => a + b, 0);
    expect(daySum(0)).toBeCloseTo(2476.45, 3); // January WT
    expect(daySum(6)).toBeCloseTo(2915.474, 3); // July WT
  });

  it("accepts CRLF line ends and a byte-order mark", () => {
    expect(parseBdewProfile(`\uFEFF${H25_CSV.replace(/\n/g, "\r\n")}`)).toEqual(H25);
  });

  it.each([
    ["a missing row", (csv: string) => csv.split("\n").slice(0, 50).join("\n")],
    ["a wrong unit", (csv: string) => csv.replace("[kWh]", "[kW]")],
    ["a wrong month", (csv: string) => csv.replace("Februar", "Feb")],
    ["a repeated day type", (csv: string) => csv.replace("[kWh],SA,FT", "[kWh],SA,SA")],
    ["a wrong label", (csv: string) => csv.replace("00:15-00:30", "00:15-00:45")],
    ["a negative value", (csv: string) => csv.replace(",22.152,", ",-22.152,")],
  ])("refuses %s", (_name, edit) => {
    expect(() => parseBdewProfile(edit(H25_CSV))).toThrow(BdewProfileFormatError);
  });
});

describe("householdLoadWh", () => {
  it("scales the profile value by dynamisation and annual consumption", () => {
    // Mon 6 Jan 2025, 00:00–00:15: 20.126 kWh × F(6) × 3500 / 1,000,000 × 1000 Wh/kWh
    const expected = (20.126 * bdewDynamisationFactor(6) * 3500) / 1000;
    const wh = householdLoadWh({
      profile: H25,
      localDate: { year: 2025, month: 1, day: 6, weekday: 1 },
      quarter: 0,
      annualKwh: 3500,
    });
    expect(wh).toBeCloseTo(expected, 9);
    expect(wh).toBeCloseTo(88.06, 2);
  });

  it("sums to about the annual consumption over a year (995,057 kWh per GWh in 2025, per SOURCE.md)", () => {
    let totalWh = 0;
    for (const localDate of days(2025)) {
      for (let quarter = 0; quarter < 96; quarter++) {
        totalWh += householdLoadWh({ profile: H25, localDate, quarter, annualKwh: 1_000_000 });
      }
    }
    expect(totalWh / 1000).toBeCloseTo(995_057.13, 1);
  });

  it("uses FT on Sundays and holidays, SA on Saturdays", () => {
    expect([0, 1, 5, 6].map((weekday) => bdewDayType({ weekday, holiday: false }))).toEqual([
      "FT",
      "WT",
      "WT",
      "SA",
    ]);
    expect(bdewDayType({ weekday: 3, holiday: true })).toBe("FT");
    const sunday = { year: 2025, month: 6, day: 1, weekday: 0 };
    const wh = householdLoadWh({ profile: H25, localDate: sunday, quarter: 40, annualKwh: 1_000_000 });
    expect(wh).toBeCloseTo((H25.kwhPerQuarter[5]?.FT[40] ?? 0) * bdewDynamisationFactor(152) * 1000, 9);
  });

  it("dynamisation lowers summer and raises winter", () => {
    expect(bdewDynamisationFactor(1)).toBeCloseTo(1.24203, 5);
    expect(bdewDynamisationFactor(180)).toBeCloseTo(0.798, 2);
    expect(dayOfYear({ year: 2024, month: 12, day: 31, weekday: 2 })).toBe(366);
  });

  it("refuses a weekday that does not match the date, and out-of-range input", () => {
    const localDate = { year: 2025, month: 1, day: 6, weekday: 1 };
    const base = { profile: H25, localDate, quarter: 0, annualKwh: 3500 };
    expect(() => householdLoadWh({ ...base, localDate: { ...localDate, weekday: 2 } })).toThrow(RangeError);
    expect(() => householdLoadWh({ ...base, localDate: { ...localDate, day: 32 } })).toThrow(RangeError);
    expect(() => householdLoadWh({ ...base, quarter: 96 })).toThrow(RangeError);
    expect(() => householdLoadWh({ ...base, annualKwh: -1 })).toThrow(RangeError);
  });
});

describe("pvProductionWh", () => {
  const plant = { peakKw: 10, latitudeDeg: 50, longitudeDeg: 10, cloudiness: 0 };
  const dayWh = (dayOfYear: number, cloudiness = 0) => {
    let wh = 0;
    for (let q = 0; q < 96; q++) {
      wh += pvProductionWh({ ...plant, cloudiness, dayOfYear, utcHourStart: q / 4, durationMinutes: 15 });
    }
    return wh;
  };

  it("makes 20–70 kWh on a clear June day and 3–15 kWh on a clear December day (10 kWp, 50°N)", () => {
    const june = dayWh(172);
    const december = dayWh(355);
    expect(june).toBeGreaterThan(20_000);
    expect(june).toBeLessThan(70_000);
    expect(december).toBeGreaterThan(3_000);
    expect(december).toBeLessThan(15_000);
  });

  it("produces more on summer days than on winter days", () => {
    for (const [summer, winter] of [
      [172, 355],
      [152, 15],
      [213, 46],
    ] as const) {
      expect(dayWh(summer)).toBeGreaterThan(dayWh(winter));
    }
  });

  it("is zero at midnight and at night", () => {
    expect(pvProductionWh({ ...plant, dayOfYear: 172, utcHourStart: 0, durationMinutes: 15 })).toBe(0);
    expect(pvProductionWh({ ...plant, dayOfYear: 172, utcHourStart: 22.5, durationMinutes: 60 })).toBe(0);
  });

  it("peaks near solar noon (≈ 11:20 UTC at 10°E) and scales with clouds and size", () => {
    const hour = (h: number, extra = {}) =>
      pvProductionWh({ ...plant, dayOfYear: 172, utcHourStart: h, durationMinutes: 60, ...extra });
    expect(hour(10.8)).toBeGreaterThan(hour(8));
    expect(hour(10.8)).toBeGreaterThan(hour(14));
    expect(hour(10.8)).toBeLessThan(10_000 * 0.8); // never above peak × system factor
    expect(hour(10.8, { cloudiness: 1 })).toBeCloseTo(hour(10.8) * 0.25, 6);
    expect(hour(10.8, { peakKw: 5 })).toBeCloseTo(hour(10.8) / 2, 6);
  });

  it("refuses out-of-range input", () => {
    const base = { ...plant, dayOfYear: 172, utcHourStart: 12, durationMinutes: 15 };
    expect(() => pvProductionWh({ ...base, cloudiness: 1.5 })).toThrow(RangeError);
    expect(() => pvProductionWh({ ...base, peakKw: -1 })).toThrow(RangeError);
    expect(() => pvProductionWh({ ...base, utcHourStart: Number.NaN })).toThrow(RangeError);
  });
});
