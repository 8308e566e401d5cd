import { describe, expect, it } from "vitest";
import { hoursInLocalDay, isoOf, localDateOf, zonedTimeToUtcMs } from "./local-time.ts";

describe("local time", () => {
  it.each([
    // date, minutes, zone, instant
    ["2025-03-30", 0, "Europe/Berlin", "2025-03-29T23:00:00.000Z"],
    ["2025-03-30", 150, "Europe/Berlin", "2025-03-30T01:00:00.000Z"], // 02:30 does not exist: the jump
    ["2025-03-30", 180, "Europe/Berlin", "2025-03-30T01:00:00.000Z"],
    ["2025-10-26", 150, "Europe/Berlin", "2025-10-26T00:30:00.000Z"], // 02:30 twice: the first
    ["2025-10-26", 1440, "Europe/Berlin", "2025-10-26T23:00:00.000Z"],
    ["2024-09-08", 0, "America/Santiago", "2024-09-08T04:00:00.000Z"], // midnight in the gap
    ["2028-02-29", 0, "Asia/Shanghai", "2028-02-28T16:00:00.000Z"],
  ] as const)("%s + %i min in %s = %s", (date, minutes, zone, instant) => {
    expect(isoOf(zonedTimeToUtcMs(date, minutes, zone))).toBe(instant);
  });

  it.each([
    ["2025-03-30", "Europe/Berlin", 23],
    ["2025-10-26", "Europe/Berlin", 25],
    ["2025-03-09", "America/New_York", 23],
    ["2028-02-29", "Europe/Prague", 24],
    ["2025-03-30", "Asia/Shanghai", 24],
  ] as const)("%s in %s has %i hours", (date, zone, hours) => {
    expect(hoursInLocalDay(date, zone)).toBe(hours);
  });

  it("finds the local date of an instant", () => {
    expect(localDateOf(Date.parse("2025-05-31T22:00:00Z"), "Europe/Berlin")).toBe("2025-06-01");
    expect(localDateOf(Date.parse("2025-05-31T21:59:59Z"), "Europe/Berlin")).toBe("2025-05-31");
  });
});
