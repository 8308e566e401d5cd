import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BASE_UNITS_PER_WH,
  DEFAULT_REWARD_MAX_GAP_MINUTES,
  periodMintCap,
  periodOf,
  REWARD_POLICY_VERSION,
  type RewardRow,
  rewardForExport,
  settlementPeriods,
  summarizeRewards,
  type WalletAddress,
} from "./policy.ts";

const iso = (p: { start: Date; end: Date }) => [p.start.toISOString(), p.end.toISOString()];
const wallet = (n: number): WalletAddress => `0x${n.toString(16).padStart(40, "0")}`;

describe("rewardForExport", () => {
  it.each([
    [0n, 0n],
    [1n, 10n ** 15n], // 1 Wh = 0.001 C4E
    [1000n, 10n ** 18n], // 1 kWh = 1 C4E
    [1500n, 1_500_000_000_000_000_000n],
    [123_456_789_012_345_678_901n, 123_456_789_012_345_678_901n * 10n ** 15n], // exact far beyond 2^53
  ])("%s Wh → %s base units", (exportWh, amount) => {
    expect(rewardForExport({ exportWh })).toBe(amount);
  });

  it("refuses negative export", () => {
    expect(() => rewardForExport({ exportWh: -1n })).toThrow(RangeError);
  });

  it("is version v1", () => {
    expect(REWARD_POLICY_VERSION).toBe("v1");
    expect(BASE_UNITS_PER_WH).toBe(1_000_000_000_000_000n);
  });
});

describe("settlementPeriods", () => {
  it("returns UTC days overlapping the span", () => {
    const periods = settlementPeriods({
      from: new Date("2025-03-30T10:00:00Z"),
      to: new Date("2025-04-01T00:00:00Z"),
      periodMinutes: 1440,
    });
    expect(periods.map(iso)).toEqual([
      ["2025-03-30T00:00:00.000Z", "2025-03-31T00:00:00.000Z"], // DST change day in Europe: still 24 h UTC
      ["2025-03-31T00:00:00.000Z", "2025-04-01T00:00:00.000Z"],
    ]);
  });

  it("aligns 15-minute periods to quarter hours", () => {
    const periods = settlementPeriods({
      from: new Date("2025-06-01T10:07:00Z"),
      to: new Date("2025-06-01T10:30:00Z"),
      periodMinutes: 15,
    });
    expect(periods.map(iso)).toEqual([
      ["2025-06-01T10:00:00.000Z", "2025-06-01T10:15:00.000Z"],
      ["2025-06-01T10:15:00.000Z", "2025-06-01T10:30:00.000Z"],
    ]);
  });

  it("is empty for an empty span and refuses bad input", () => {
    const t = new Date("2025-06-01T00:00:00Z");
    expect(settlementPeriods({ from: t, to: t, periodMinutes: 1440 })).toEqual([]);
    expect(() => settlementPeriods({ from: t, to: new Date(0), periodMinutes: 1440 })).toThrow(RangeError);
    expect(() => settlementPeriods({ from: t, to: t, periodMinutes: 0 })).toThrow(RangeError);
    expect(() => settlementPeriods({ from: t, to: t, periodMinutes: 7.5 })).toThrow(RangeError);
  });
});

describe("periodOf", () => {
  it.each([
    ["2025-06-01T12:00:00Z", 1440, "2025-06-01T00:00:00.000Z", "2025-06-02T00:00:00.000Z"],
    // Exactly midnight closes the day before: (start, end].
    ["2025-06-02T00:00:00Z", 1440, "2025-06-01T00:00:00.000Z", "2025-06-02T00:00:00.000Z"],
    ["2025-06-02T00:00:00.001Z", 1440, "2025-06-02T00:00:00.000Z", "2025-06-03T00:00:00.000Z"],
    ["2025-06-01T10:15:00Z", 15, "2025-06-01T10:00:00.000Z", "2025-06-01T10:15:00.000Z"],
    ["1969-12-31T23:59:00Z", 60, "1969-12-31T23:00:00.000Z", "1970-01-01T00:00:00.000Z"], // before the epoch
  ])("%s (%i min) → (%s, %s]", (at, periodMinutes, start, end) => {
    expect(iso(periodOf({ at: new Date(at), periodMinutes }))).toEqual([start, end]);
  });

  it("agrees with settlementPeriods: every instant in (from, to] lies in exactly one listed period", () => {
    const ms = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) });
    fc.assert(
      fc.property(
        ms,
        fc.integer({ min: 0, max: 5 * 86_400_000 }),
        fc.constantFrom(15, 60, 1440),
        (from, length, minutes) => {
          const periods = settlementPeriods({
            from: new Date(from),
            to: new Date(from + length),
            periodMinutes: minutes,
          });
          // contiguous, aligned, covering
          periods.forEach((p, i) => {
            expect(p.end.getTime() - p.start.getTime()).toBe(minutes * 60_000);
            expect(p.start.getTime() % (minutes * 60_000)).toBe(0);
            if (i > 0) expect(p.start.getTime()).toBe(periods[i - 1]?.end.getTime());
          });
          const atMs = from + Math.floor(length / 2) + 1;
          if (length === 0 || atMs > from + length) return;
          const p = periodOf({ at: new Date(atMs), periodMinutes: minutes });
          expect(p.start.getTime()).toBeLessThan(atMs);
          expect(p.end.getTime()).toBeGreaterThanOrEqual(atMs);
          expect(periods.filter((q) => q.start.getTime() === p.start.getTime())).toHaveLength(1);
        },
      ),
    );
  });
});

describe("summarizeRewards", () => {
  const periodStart = new Date("2025-06-01T00:00:00Z");
  const row = (n: number, meterId: string, exportWh: bigint, gatewayId = "gw-1"): RewardRow => ({
    customerId: `c-${n}`,
    wallet: wallet(n),
    gatewayId,
    meterId,
    exportWh,
  });

  it("groups per wallet and per meter, omits zero export, sorts", () => {
    const result = summarizeRewards({
      periodStart,
      rows: [
        row(2, "m-3", 2500n), // wallet 2: 2.5 kWh
        row(1, "m-2", 0n), // zero: omitted
        row(1, "m-1", 1200n, "gw-2"), // wallet 1: 1.2 kWh
        row(3, "m-4", 0n), // wallet 3 has nothing: omitted
        row(2, "m-3", 500n), // same meter again: summed to 3000 Wh
      ],
    });
    expect(result).toEqual({
      policyVersion: "v1",
      recipients: [
        { wallet: wallet(1), exportWh: 1200n, amount: 1_200_000_000_000_000_000n },
        { wallet: wallet(2), exportWh: 3000n, amount: 3_000_000_000_000_000_000n },
      ],
      leaves: [
        {
          gatewayId: "gw-1",
          meterId: "m-3",
          periodStart: 1748736000n,
          exportWh: 3000n,
          recipient: wallet(2),
        },
        {
          gatewayId: "gw-2",
          meterId: "m-1",
          periodStart: 1748736000n,
          exportWh: 1200n,
          recipient: wallet(1),
        },
      ],
      totalAmount: 4_200_000_000_000_000_000n, // 4.2 kWh × 10^18
    });
  });

  it("treats wallet case as irrelevant and returns lower case", () => {
    const upper = `0x${"AB".repeat(20)}` as WalletAddress;
    const result = summarizeRewards({
      periodStart,
      rows: [
        { ...row(0, "m-1", 1n), wallet: upper },
        { ...row(0, "m-2", 2n), wallet: upper.toLowerCase() as WalletAddress },
      ],
    });
    expect(result.recipients).toEqual([
      { wallet: `0x${"ab".repeat(20)}`, exportWh: 3n, amount: 3n * 10n ** 15n },
    ]);
  });

  it("refuses ambiguous or invalid rows", () => {
    expect(() => summarizeRewards({ periodStart, rows: [row(1, "m-1", 1n), row(2, "m-1", 1n)] })).toThrow(
      /two wallets/,
    );
    expect(() => summarizeRewards({ periodStart, rows: [{ ...row(1, "m-1", 1n), wallet: "0x12" }] })).toThrow(
      RangeError,
    );
    expect(() => summarizeRewards({ periodStart, rows: [row(1, "m-1", -1n)] })).toThrow(RangeError);
    expect(() => summarizeRewards({ periodStart: new Date(1500), rows: [] })).toThrow(RangeError);
  });

  const rowsArb = fc.array(
    fc.record({
      w: fc.integer({ min: 1, max: 6 }),
      m: fc.integer({ min: 1, max: 12 }),
      exportWh: fc.oneof(fc.constant(0n), fc.bigInt(0n, 10n ** 12n)),
    }),
    { maxLength: 40 },
  );
  // A meter always pays the same wallet: derive the wallet from the meter.
  const toRows = (xs: { m: number; exportWh: bigint }[]) =>
    xs.map((x) => row(x.m % 4, `m-${x.m}`, x.exportWh));

  it("total = sum of recipient amounts = reward of the total export", () => {
    fc.assert(
      fc.property(rowsArb, (xs) => {
        const rows = toRows(xs);
        const result = summarizeRewards({ periodStart, rows });
        const totalExport = rows.reduce((sum, r) => sum + r.exportWh, 0n);
        expect(result.recipients.reduce((sum, r) => sum + r.amount, 0n)).toBe(result.totalAmount);
        expect(result.totalAmount).toBe(rewardForExport({ exportWh: totalExport }));
        expect(result.leaves.reduce((sum, l) => sum + l.exportWh, 0n)).toBe(totalExport);
        expect(result.recipients.every((r) => r.exportWh > 0n)).toBe(true);
        expect(result.leaves.every((l) => l.exportWh > 0n)).toBe(true);
      }),
    );
  });

  it("does not depend on row order", () => {
    fc.assert(
      fc.property(rowsArb, fc.array(fc.integer(), { minLength: 40, maxLength: 40 }), (xs, keys) => {
        const rows = toRows(xs);
        const shuffled = rows
          .map((r, i) => ({ r, k: keys[i] ?? 0, i }))
          .sort((a, b) => a.k - b.k || a.i - b.i)
          .map((x) => x.r);
        expect(summarizeRewards({ periodStart, rows: shuffled })).toEqual(
          summarizeRewards({ periodStart, rows }),
        );
      }),
    );
  });
});

describe("periodMintCap", () => {
  const minutes = fc.integer({ min: 1, max: 527_040 }); // up to a leap year
  const gap = fc.integer({ min: 0, max: 10_080 }); // up to a week
  const power = fc.bigInt({ min: 0n, max: 10n ** 12n }); // up to 1 TW

  it("is ceil(ratedPowerW × (period + gap) / 60) Wh in base units", () => {
    expect(periodMintCap({ ratedPowerW: 10_000n, periodMinutes: 1440, maxGapMinutes: 60 })).toBe(
      250_000n * BASE_UNITS_PER_WH,
    );
    expect(periodMintCap({ ratedPowerW: 1n, periodMinutes: 15, maxGapMinutes: 0 })).toBe(BASE_UNITS_PER_WH); // 0.25 Wh → 1
    expect(periodMintCap({ ratedPowerW: 0n, periodMinutes: 60, maxGapMinutes: 60 })).toBe(0n);
    expect(DEFAULT_REWARD_MAX_GAP_MINUTES).toBe(60);
  });

  it("is the least whole Wh amount (in base units) covering rated power over period and gap", () => {
    fc.assert(
      fc.property(power, minutes, gap, (ratedPowerW, periodMinutes, maxGapMinutes) => {
        const cap = periodMintCap({ ratedPowerW, periodMinutes, maxGapMinutes });
        expect(cap % BASE_UNITS_PER_WH).toBe(0n);
        const capWh = cap / BASE_UNITS_PER_WH;
        const wattMinutes = ratedPowerW * BigInt(periodMinutes + maxGapMinutes);
        expect(capWh * 60n >= wattMinutes).toBe(true);
        expect(capWh === 0n || (capWh - 1n) * 60n < wattMinutes).toBe(true);
      }),
    );
  });

  it("covers every reward a fleet can earn: meters at most at rated power over period and gap", () => {
    const meter = fc.record({
      ratedPowerW: fc.bigInt({ min: 0n, max: 100_000n }),
      share: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(meter, { maxLength: 50 }),
        minutes,
        gap,
        (meters, periodMinutes, maxGapMinutes) => {
          const span = BigInt(periodMinutes + maxGapMinutes);
          // each meter's export: any whole Wh up to what its rated power yields over the span
          const exportWh = meters.map((m) => {
            const max = (m.ratedPowerW * span) / 60n;
            return (max * BigInt(Math.round(m.share * 1_000_000))) / 1_000_000n;
          });
          const rewards = exportWh.reduce((sum, wh) => sum + rewardForExport({ exportWh: wh }), 0n);
          const ratedPowerW = meters.reduce((sum, m) => sum + m.ratedPowerW, 0n);
          expect(rewards <= periodMintCap({ ratedPowerW, periodMinutes, maxGapMinutes })).toBe(true);
        },
      ),
    );
  });

  it("grows with power, period and gap", () => {
    fc.assert(
      fc.property(power, power, minutes, minutes, gap, gap, (p1, p2, m1, m2, g1, g2) => {
        const [pLo, pHi] = p1 <= p2 ? [p1, p2] : [p2, p1];
        const [mLo, mHi] = m1 <= m2 ? [m1, m2] : [m2, m1];
        const [gLo, gHi] = g1 <= g2 ? [g1, g2] : [g2, g1];
        const lo = periodMintCap({ ratedPowerW: pLo, periodMinutes: mLo, maxGapMinutes: gLo });
        expect(lo <= periodMintCap({ ratedPowerW: pHi, periodMinutes: mLo, maxGapMinutes: gLo })).toBe(true);
        expect(lo <= periodMintCap({ ratedPowerW: pLo, periodMinutes: mHi, maxGapMinutes: gLo })).toBe(true);
        expect(lo <= periodMintCap({ ratedPowerW: pLo, periodMinutes: mLo, maxGapMinutes: gHi })).toBe(true);
      }),
    );
  });

  it("refuses negative power, a non-positive or fractional period and a negative or fractional gap", () => {
    const ok = { ratedPowerW: 1n, periodMinutes: 60, maxGapMinutes: 60 };
    expect(() => periodMintCap({ ...ok, ratedPowerW: -1n })).toThrow(RangeError);
    for (const periodMinutes of [0, -15, 1.5, Number.NaN]) {
      expect(() => periodMintCap({ ...ok, periodMinutes })).toThrow(RangeError);
    }
    for (const maxGapMinutes of [-1, 0.5, Number.POSITIVE_INFINITY]) {
      expect(() => periodMintCap({ ...ok, maxGapMinutes })).toThrow(RangeError);
    }
    expect(periodMintCap({ ...ok, maxGapMinutes: 0 })).toBe(BASE_UNITS_PER_WH);
  });
});
