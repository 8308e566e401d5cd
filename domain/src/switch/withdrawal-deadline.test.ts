import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canWithdraw, withdrawalDeadlineMs } from "./withdrawal-deadline.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("withdrawalDeadlineMs", () => {
  it.each([
    // signed 2026-11-22 (Berlin, CET +1): days 23 Nov … 6 Dec count; ends 7 Dec 00:00 CET = 6 Dec 23:00Z
    ["2026-11-22T10:00:00Z", "Europe/Berlin", "2026-12-06T23:00:00.000Z"],
    // 23:30Z on 21 Nov is already 22 Nov 00:30 in Berlin: same local signing day as above
    ["2026-11-21T23:30:00Z", "Europe/Berlin", "2026-12-06T23:00:00.000Z"],
    // signed 2026-03-20 (CET); DST starts 29 Mar; ends 4 Apr 00:00 CEST = 3 Apr 22:00Z
    ["2026-03-20T10:00:00Z", "Europe/Berlin", "2026-04-03T22:00:00.000Z"],
    // signed 2026-10-20 (CEST); DST ends 25 Oct; ends 4 Nov 00:00 CET = 3 Nov 23:00Z
    ["2026-10-20T10:00:00Z", "Europe/Berlin", "2026-11-03T23:00:00.000Z"],
    // default time zone is Europe/Berlin
    ["2026-11-22T10:00:00Z", undefined, "2026-12-06T23:00:00.000Z"],
    ["2026-11-22T10:00:00Z", "UTC", "2026-12-07T00:00:00.000Z"],
    // New York (EST −5): signed 22 Nov local; ends 7 Dec 00:00 EST = 05:00Z
    ["2026-11-22T10:00:00Z", "America/New_York", "2026-12-07T05:00:00.000Z"],
  ])("signed %s in %s → %s", (signed, timeZone, deadline) => {
    const params = timeZone === undefined ? { signedAtMs: at(signed) } : { signedAtMs: at(signed), timeZone };
    expect(iso(withdrawalDeadlineMs(params))).toBe(deadline);
  });

  it("ends at a local midnight 15 calendar days after the signing day, whatever the DST changes", () => {
    const berlinDate = (ms: number) =>
      new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin" }).format(new Date(ms));
    const berlinTime = (ms: number) =>
      new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Berlin",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(new Date(ms));
    fc.assert(
      fc.property(
        fc.integer({ min: at("2020-01-01T00:00:00Z"), max: at("2035-12-31T00:00:00Z") }),
        (signed) => {
          const deadline = withdrawalDeadlineMs({ signedAtMs: signed });
          expect(berlinTime(deadline)).toBe("00:00");
          const days =
            (Date.parse(`${berlinDate(deadline)}T00:00:00Z`) -
              Date.parse(`${berlinDate(signed)}T00:00:00Z`)) /
            86_400_000;
          expect(days).toBe(15);
          // the last moment before the deadline is still on the 14th day after signing
          expect(canWithdraw({ signedAtMs: signed, nowMs: deadline - 1 })).toBe(true);
          expect(canWithdraw({ signedAtMs: signed, nowMs: deadline })).toBe(false);
        },
      ),
    );
  });
});
