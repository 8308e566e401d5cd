import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type MeterInstallation,
  type RegisterReading,
  meteringPointEnergy,
  validateMeterInstallations,
} from "./meter-exchange.ts";

const H = 3_600_000;
const T0 = Date.parse("2025-03-01T00:00:00Z");
const at = (hour: number) => new Date(T0 + hour * H).toISOString();

// MP-1: meter A from hour 0 (register 1000) to the exchange at hour 12 (register 1500);
// meter B from hour 12 (register 0, a new meter) and still installed.
const EXCHANGE: MeterInstallation[] = [
  {
    meterId: "A",
    meteringPointId: "MP-1",
    installedAt: at(0),
    installReadingWh: 1000n,
    removedAt: at(12),
    removeReadingWh: 1500n,
  },
  {
    meterId: "B",
    meteringPointId: "MP-1",
    installedAt: at(12),
    installReadingWh: 0n,
    removedAt: null,
    removeReadingWh: null,
  },
];
const READINGS: RegisterReading[] = [
  { meterId: "A", at: at(6), registerWh: 1200n },
  { meterId: "B", at: at(18), registerWh: 120n },
  { meterId: "B", at: at(24), registerWh: 200n },
];

const energy = (from: number, to: number, installations = EXCHANGE, readings = READINGS) =>
  meteringPointEnergy({ meteringPointId: "MP-1", installations, readings, from: at(from), to: at(to) });

describe("meteringPointEnergy across a meter exchange", () => {
  it.each([
    // whole day: A 1500 − 1000 = 500, B 200 − 0 = 200 → 700
    [0, 24, 700n],
    // before the exchange only: A 1200 − 1000
    [0, 6, 200n],
    // across the exchange: A 1500 − 1200 = 300, B 120 − 0 = 120 → 420
    [6, 18, 420n],
    // a period that ends exactly at the exchange takes A's removal reading, the next starts at B's install reading
    [0, 12, 500n],
    [12, 24, 200n],
  ])("[%i h, %i h) = %i Wh", (from, to, expected) => {
    const result = energy(from, to);
    expect(result.status).toBe("complete");
    expect(result.status === "complete" && result.energyWh).toBe(expected);
  });

  it("names the segments per meter", () => {
    const result = energy(6, 18);
    expect(result.segments.map((s) => [s.meterId, s.startRegisterWh, s.endRegisterWh, s.energyWh])).toEqual([
      ["A", 1200n, 1500n, 300n],
      ["B", 0n, 120n, 120n],
    ]);
  });

  it("is incomplete, not zero, where a register is unknown or no meter was installed", () => {
    expect(energy(3, 18)).toMatchObject({
      status: "incomplete",
      missingReadings: [{ meterId: "A", at: at(3) }],
      unmetered: [],
    });
    const gap = [EXCHANGE[0]!, { ...EXCHANGE[1]!, installedAt: at(13) }];
    expect(energy(0, 24, gap, [])).toMatchObject({
      status: "incomplete",
      missingReadings: [{ meterId: "B", at: at(24) }],
      unmetered: [{ from: at(12), to: at(13) }],
    });
  });

  it("counts a register roll-over: a six-digit register wrapping at 1,000,000 Wh", () => {
    const wrapping: MeterInstallation[] = [
      { ...EXCHANGE[0]!, installReadingWh: 999_500n, removeReadingWh: 300n, registerModulusWh: 1_000_000n },
      EXCHANGE[1]!,
    ];
    const readings = [{ meterId: "A", at: at(6), registerWh: 999_900n }, ...READINGS.slice(1)];
    // A: 999 500 → 999 900 (400) → wraps → 300 (1 000 000 − 999 900 + 300 = 400); B: 0 → 200
    const whole = energy(0, 24, wrapping, readings);
    expect(whole.status === "complete" && whole.energyWh).toBe(1000n);
    const across = energy(6, 12, wrapping, readings);
    expect(across.status === "complete" && across.energyWh).toBe(400n);
    expect(() =>
      validateMeterInstallations(wrapping, [{ meterId: "A", at: at(6), registerWh: 1_000_000n }]),
    ).toThrow("readings[0] (meter A): register 1000000 Wh outside the register's range [0, 1000000)");
  });

  it.each<[string, MeterInstallation[], RegisterReading[], string]>([
    [
      "two meters at one metering point",
      [EXCHANGE[0]!, { ...EXCHANGE[1]!, installedAt: at(11) }],
      [],
      "installations[1] (meter B at MP-1): metering point MP-1 already has meter A installed (installations[0] (meter A at MP-1)) at 2025-03-01T11:00:00.000Z",
    ],
    [
      "one meter at two metering points",
      [
        EXCHANGE[0]!,
        {
          ...EXCHANGE[0]!,
          meteringPointId: "MP-2",
          installedAt: at(6),
          removedAt: null,
          removeReadingWh: null,
        },
      ],
      [],
      "installations[1] (meter A at MP-2): meter A is still installed at metering point MP-1 (installations[0] (meter A at MP-1)) at 2025-03-01T06:00:00.000Z",
    ],
    [
      "a removal reading below the installation reading",
      [{ ...EXCHANGE[0]!, removeReadingWh: 900n }],
      [],
      "installations[0] (meter A at MP-1): register runs backwards: 1000 Wh at installation, 900 Wh at removal",
    ],
    [
      "a removal without its reading",
      [{ ...EXCHANGE[0]!, removeReadingWh: null }],
      [],
      "installations[0] (meter A at MP-1): a removal needs the register reading at removal",
    ],
    [
      "a reading above the removal reading",
      EXCHANGE,
      [{ meterId: "A", at: at(6), registerWh: 1600n }],
      "readings[0] (meter A): register runs backwards: 1600 Wh at 2025-03-01T06:00:00.000Z against 1500 Wh at 2025-03-01T12:00:00.000Z",
    ],
    [
      "a reading below an earlier one",
      EXCHANGE,
      [
        { meterId: "A", at: at(6), registerWh: 1200n },
        { meterId: "A", at: at(3), registerWh: 1300n },
      ],
      "readings[1] (meter A): register runs backwards: 1300 Wh at 2025-03-01T03:00:00.000Z against 1200 Wh at 2025-03-01T06:00:00.000Z",
    ],
    [
      "two different registers at one instant",
      EXCHANGE,
      [
        { meterId: "A", at: at(6), registerWh: 1200n },
        { meterId: "A", at: at(6), registerWh: 1210n },
      ],
      "readings[0] (meter A): two different registers at 2025-03-01T06:00:00.000Z: 1210 and 1200 Wh",
    ],
    [
      "a reading of a meter that is not installed",
      EXCHANGE,
      [{ meterId: "C", at: at(6), registerWh: 1n }],
      "readings[0] (meter C): meter C is not installed at 2025-03-01T06:00:00.000Z",
    ],
    [
      "a local time without offset",
      [{ ...EXCHANGE[0]!, installedAt: "2025-03-01T00:00:00" }],
      [],
      'installations[0] (meter A at MP-1).installedAt: not an ISO-8601 instant with Z or an offset: "2025-03-01T00:00:00"',
    ],
  ])("refuses %s, naming the record", (_name, installations, readings, message) => {
    expect(() => validateMeterInstallations(installations, readings)).toThrow(message);
  });
});

/**
 * A random history: hourly consumption over `hours`, meters exchanged at random hours, each new
 * meter starting at a random register; every installed meter read every hour. The true
 * consumption is the oracle.
 */
const history = fc
  .record({
    consumption: fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 2, maxLength: 48 }),
    exchanges: fc.uniqueArray(fc.integer({ min: 1, max: 47 }), { maxLength: 4 }),
    starts: fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 5, maxLength: 5 }),
    // registers that roll over (hourly consumption ≤ 5000 Wh, so at most one wrap between reads)
    modulus: fc.option(fc.constantFrom(10_000n, 65_536n, 1_000_000n), { nil: null }),
  })
  .map(({ consumption, exchanges, starts, modulus }) => {
    const wrap = (r: bigint) => (modulus === null ? r : r % modulus);
    const hours = consumption.length;
    const cuts = [0, ...exchanges.filter((x) => x < hours).sort((a, b) => a - b), hours];
    const installations: MeterInstallation[] = [];
    const readings: RegisterReading[] = [];
    for (let m = 0; m + 1 < cuts.length; m++) {
      const from = cuts[m]!;
      const to = cuts[m + 1]!;
      let register = wrap(starts[m]!);
      const installReadingWh = register;
      for (let h = from; h < to; h++) {
        register += BigInt(consumption[h]!);
        if (h + 1 < to) readings.push({ meterId: `M${m}`, at: at(h + 1), registerWh: wrap(register) });
      }
      const last = m + 2 === cuts.length;
      installations.push({
        meterId: `M${m}`,
        meteringPointId: "MP-1",
        installedAt: at(from),
        installReadingWh,
        removedAt: last ? null : at(to),
        removeReadingWh: last ? null : wrap(register),
        registerModulusWh: modulus,
      });
      if (last) readings.push({ meterId: `M${m}`, at: at(to), registerWh: wrap(register) });
    }
    return { consumption, installations, readings };
  });

describe("meter exchange properties", () => {
  it("energy over any hour range equals the true consumption: never lost, never counted twice", () => {
    fc.assert(
      fc.property(history, fc.nat(), fc.nat(), ({ consumption, installations, readings }, x, y) => {
        const a = x % consumption.length;
        const b = a + 1 + (y % (consumption.length - a));
        const result = meteringPointEnergy({
          meteringPointId: "MP-1",
          installations,
          readings,
          from: at(a),
          to: at(b),
        });
        const truth = consumption.slice(a, b).reduce((s, c) => s + BigInt(c), 0n);
        expect(result.status === "complete" && result.energyWh).toBe(truth);
      }),
    );
  });

  it("is additive: E(a, c) = E(a, b) + E(b, c) at every hour b, exchanges included", () => {
    fc.assert(
      fc.property(history, ({ consumption, installations, readings }) => {
        const e = (from: number, to: number) => {
          const r = meteringPointEnergy({
            meteringPointId: "MP-1",
            installations,
            readings,
            from: at(from),
            to: at(to),
          });
          if (r.status !== "complete") throw new Error(`incomplete [${from}, ${to})`);
          return r.energyWh;
        };
        const whole = e(0, consumption.length);
        for (let b = 1; b < consumption.length; b++) expect(e(0, b) + e(b, consumption.length)).toBe(whole);
      }),
      { numRuns: 30 },
    );
  });
});
