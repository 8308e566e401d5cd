import { describe, expect, it } from "vitest";
import { parseMeterDataCsv } from "./meter-data-csv.ts";
import { checkMsconsIntervals } from "./mscons-intervals.ts";

const HEADER = "metering_point_id;start;end;quantity;unit;quality";

describe("parseMeterDataCsv", () => {
  it("reads rows into integer Wh or litres per metering point, sorted by start", () => {
    const text = [
      `\uFEFF${HEADER}`,
      "MP-1;2025-03-01T00:15:00+01:00;2025-03-01T00:30:00+01:00;0.5;kWh;measured",
      "MP-1;2025-03-01T00:00:00+01:00;2025-03-01T00:15:00+01:00;0.250;kWh;estimated",
      "MP-1;2025-03-01T00:30:00+01:00;2025-03-01T00:45:00+01:00;;kWh;missing",
      "W-1;2025-03-01T00:00:00Z;2025-03-02T00:00:00Z;1.234;m3;measured",
      "",
    ].join("\n");
    const rows = parseMeterDataCsv(text);
    expect(rows.get("MP-1")!.map((r) => [r.startMs, r.quantity, r.quality, r.segmentNumber])).toEqual([
      [Date.parse("2025-02-28T23:00:00Z"), 250n, "estimated", 3],
      [Date.parse("2025-02-28T23:15:00Z"), 500n, "measured", 2],
      [Date.parse("2025-02-28T23:30:00Z"), null, "missing", 4],
    ]);
    expect(rows.get("W-1")).toMatchObject([{ quantity: 1234n, baseUnit: "L" }]);
    expect(
      checkMsconsIntervals(rows.get("MP-1")!, { stepMinutes: 15, timeZone: "Europe/Berlin" }).findings,
    ).toEqual([]);
  });

  it.each([
    [
      "MP-1;2025-03-01T00:00:00+01:00;2025-03-01T00:15:00+01:00;0.0005;kWh;measured",
      "meter-data.csv:2 quantity: 0.0005 kWh is not a whole number of Wh",
    ],
    [
      "MP-1;2025-03-01T00:00:00;2025-03-01T00:15:00+01:00;1;kWh;measured",
      'meter-data.csv:2 start: not an ISO-8601 instant: "2025-03-01T00:00:00"',
    ],
    [
      "MP-1;2025-03-01T00:00:00Z;2025-03-01T00:15:00Z;;kWh;measured",
      "meter-data.csv:2 quantity: empty, but the quality is measured",
    ],
    [
      "MP-1;2025-03-01T00:00:00Z;2025-03-01T00:15:00Z;1;MWh;measured",
      'meter-data.csv:2 unit: expected one of kWh, Wh, m3, L, got "MWh"',
    ],
    [
      "MP-1;2025-03-01T00:15:00Z;2025-03-01T00:00:00Z;1;kWh;measured",
      "meter-data.csv:2 end: ends at or before start",
    ],
    [
      "MP-1;2025-03-01T00:00:00Z;2025-03-01T00:15:00Z;1;kWh;measured\nMP-1;2025-03-01T01:00:00+01:00;2025-03-01T01:15:00+01:00;2;kWh;measured",
      "meter-data.csv:3: a second row for MP-1 at 2025-03-01T00:00:00.000Z (line 2)",
    ],
  ])("refuses %j naming line and column", (row, message) => {
    expect(() => parseMeterDataCsv(`${HEADER}\n${row}\n`)).toThrow(message);
  });
});
