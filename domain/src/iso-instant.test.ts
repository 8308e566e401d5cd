import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { daysInMonth, parseIsoInstant } from "./iso-instant.ts";

describe("parseIsoInstant", () => {
  it.each([
    ["2025-06-01T12:00:00Z", "2025-06-01T12:00:00.000Z"],
    ["2025-06-01T12:00:00.5Z", "2025-06-01T12:00:00.500Z"],
    ["2025-06-01T12:00:00.123456789Z", "2025-06-01T12:00:00.123Z"], // truncated to ms
    ["2025-06-01T14:00:00+02:00", "2025-06-01T12:00:00.000Z"], // 14:00 − 2 h
    ["2025-06-01T00:30:00-05:30", "2025-06-01T06:00:00.000Z"], // 00:30 + 5:30
    ["2024-02-29T23:59:59Z", "2024-02-29T23:59:59.000Z"], // leap year
    ["2025-01-01T00:00:00-00:00", "2025-01-01T00:00:00.000Z"],
    ["0050-01-01T00:00:00Z", "0050-01-01T00:00:00.000Z"], // not mapped to 1950
  ])("%s → %s", (text, expected) => {
    expect(parseIsoInstant(text)?.toISOString()).toBe(expected);
  });

  it.each([
    "2025-06-01T12:00:00", // no offset: local time, not an instant
    "2025-06-01 12:00:00Z",
    "2025-06-01T12:00Z", // seconds required
    "2025-13-01T00:00:00Z",
    "2025-04-31T00:00:00Z",
    "2025-02-29T00:00:00Z", // not a leap year
    "2025-06-01T24:00:00Z",
    "2025-06-01T23:59:60Z", // leap second
    "2025-06-01T12:00:00+24:00",
    "2025-06-01T12:00:00+0200",
    "2025-06-01t12:00:00z",
    "1717243200",
    "",
  ])("refuses %j", (text) => {
    expect(parseIsoInstant(text)).toBeNull();
  });

  it("round-trips every toISOString() output", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1970-01-01"), max: new Date("9999-12-31"), noInvalidDate: true }),
        (d) => {
          expect(parseIsoInstant(d.toISOString())?.getTime()).toBe(d.getTime());
        },
      ),
    );
  });

  it("knows month lengths", () => {
    expect([1, 2, 3, 4].map((m) => daysInMonth(2024, m))).toEqual([31, 29, 31, 30]);
    expect(daysInMonth(1900, 2)).toBe(28); // century, not divisible by 400
    expect(daysInMonth(2000, 2)).toBe(29);
  });
});
