// c4e-test: needs no machine services (npm run test:integration skips this file)
import { describe, expect, it } from "vitest";
import {
  formatInstantRange,
  formatKwh,
  formatMinorAmount,
  formatTokenAmount,
  lastDayOf,
  shortHex,
} from "@/lib/format.ts";
import { t } from "@/messages/en.ts";

describe("formatting", () => {
  it.each([
    ["0", "0"],
    ["1", "0.000000000000000001"],
    ["1650000000000000001", "1.650000000000000001"],
    ["1234567000000000000000000", "1,234,567"],
    ["123456789123456789123456789", "123,456,789.123456789123456789"],
    ["-1500000000000000000", "-1.5"],
  ])("formats %s base units exactly as %s C4E", (raw, shown) => {
    expect(formatTokenAmount(raw)).toBe(shown);
    expect(formatTokenAmount(BigInt(raw))).toBe(shown);
  });

  it.each([
    ["123456", 2, "EUR", "€1,234.56"],
    ["-5", 2, "EUR", "-€0.05"],
    ["0", 2, "EUR", "€0.00"],
    ["123456789012345678901", 2, "EUR", "€1,234,567,890,123,456,789.01"],
    ["1500", 0, "JPY", "¥1,500"],
  ] as const)("formats %s minor units (%i digits, %s) exactly as %s", (minor, digits, currency, shown) => {
    expect(formatMinorAmount(minor, digits, currency)).toBe(shown);
  });

  it("gives the last day of an end-exclusive range", () => {
    expect(lastDayOf("2026-11-01")).toBe("2026-10-31");
    expect(lastDayOf("2024-03-01")).toBe("2024-02-29");
  });

  it("shows Wh as kWh with at most two decimals", () => {
    expect(formatKwh(0)).toBe("0");
    expect(formatKwh(12345)).toBe("12.35");
    expect(formatKwh(1_234_000)).toBe("1,234");
  });

  it("fills message placeholders", () => {
    expect(t("today.kwh", { value: "1.5" })).toBe("1.5 kWh");
    expect(t("header.signedInAs", { address: shortHex("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC") })).toBe(
      "Signed in as 0x3C44…93BC",
    );
  });
});

describe("balance display", () => {
  it("splits the exact amount into whole and fraction without losing digits", async () => {
    const { splitTokenAmount } = await import("@/lib/format.ts");
    expect(splitTokenAmount("1234920000000000000001")).toEqual({
      whole: "1,234",
      fraction: ".920000000000000001",
    });
    expect(splitTokenAmount("5000000000000000000")).toEqual({ whole: "5", fraction: "" });
  });
});

describe("formatInstantRange", () => {
  it("shows the offset at both ends, so a range across the DST change reads as three hours", () => {
    const spaces = (text: string) => text.replace(/\s+/g, " ");
    expect(
      spaces(formatInstantRange("2026-10-25T00:00:00.000Z", "2026-10-25T03:00:00.000Z", "Europe/Berlin")),
    ).toBe("Oct 25, 2026, 02:00 GMT+2 – 04:00 GMT+1");
    expect(
      spaces(formatInstantRange("2026-10-03T10:15:00.000Z", "2026-10-05T10:30:00.000Z", "Europe/Berlin")),
    ).toBe("Oct 3, 2026, 12:15 GMT+2 – Oct 5, 2026, 12:30 GMT+2");
  });
});
