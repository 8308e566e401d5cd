import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BillingDecimal } from "../billing/money.ts";
import { mustParseTariff } from "../billing/tariff.ts";
import { type SupplyPolicy, type SupplyState, balanceChanged } from "./alarms.ts";
import {
  type CommandEvent,
  type CommandState,
  isFinal,
  nextCommandState,
  supplyCommand,
} from "./commands.ts";
import { EMPTY_LEDGER, type Ledger, type LedgerEntry, appendEntry, balanceOf } from "./ledger.ts";
import { deductionFor, priceUsage } from "./usage.ts";

describe("ledger", () => {
  const topUp = (key: string, amountMinor: bigint): LedgerEntry => ({ key, kind: "top_up", amountMinor });

  it("derives the balance from the entries; a replay adds nothing; a conflicting key is refused", () => {
    let l = appendEntry(EMPTY_LEDGER, topUp("psp:evt_1", 5000n)).ledger;
    l = appendEntry(l, { key: "usage:b1", kind: "usage", amountMinor: -1234n }).ledger;
    const replay = appendEntry(l, topUp("psp:evt_1", 5000n));
    expect(replay.replay).toBe(true);
    expect(replay.ledger.balanceMinor).toBe(3766n);
    expect(() => appendEntry(l, topUp("psp:evt_1", 6000n))).toThrow(/already used by another entry/);
    expect(balanceOf(l.entries)).toBe(l.balanceMinor);
  });

  it("refuses entries against the sign rules, reversals twice or of the wrong amount, and after closing", () => {
    const l = appendEntry(EMPTY_LEDGER, topUp("t1", 1000n)).ledger;
    expect(() => appendEntry(l, topUp("t2", -5n))).toThrow(/a top_up credits the account/);
    expect(() => appendEntry(l, { key: "u", kind: "usage", amountMinor: 5n })).toThrow(/a usage debits/);
    expect(() => appendEntry(l, { key: "r", kind: "refund", amountMinor: -5n })).toThrow(/reason: required/);
    expect(() =>
      appendEntry(l, {
        key: "x",
        kind: "reversal",
        amountMinor: -999n,
        reverses: "t1",
        reason: "bank returned",
      }),
    ).toThrow(/a reversal of 1000 is -1000/);
    const reversed = appendEntry(l, {
      key: "x",
      kind: "reversal",
      amountMinor: -1000n,
      reverses: "t1",
      reason: "bank returned",
    }).ledger;
    expect(reversed.balanceMinor).toBe(0n);
    expect(() =>
      appendEntry(reversed, {
        key: "y",
        kind: "reversal",
        amountMinor: -1000n,
        reverses: "t1",
        reason: "again",
      }),
    ).toThrow(/reversed already/);
    const closed = appendEntry(l, { key: "c", kind: "closing", amountMinor: -1000n }).ledger;
    expect(() => appendEntry(closed, topUp("t3", 1n))).toThrow(/closed/);
  });

  it("property: any accepted sequence (with replays) keeps balance = Σ entries, each key once", () => {
    const op = fc.oneof(
      fc.record({
        key: fc.constantFrom("a", "b", "c", "d"),
        kind: fc.constant("top_up" as const),
        amountMinor: fc.bigInt({ min: 1n, max: 10_000n }),
      }),
      fc.record({
        key: fc.constantFrom("e", "f", "g"),
        kind: fc.constant("usage" as const),
        amountMinor: fc.bigInt({ min: -10_000n, max: -1n }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        let l: Ledger = EMPTY_LEDGER;
        for (const e of ops) {
          try {
            l = appendEntry(l, e).ledger;
          } catch {
            // a key reused with another amount is refused; the ledger is unchanged
          }
        }
        expect(l.balanceMinor).toBe(balanceOf(l.entries));
        expect(new Set(l.entries.map((e) => e.key)).size).toBe(l.entries.length);
      }),
    );
  });
});

describe("alarms and cut-off", () => {
  const policy: SupplyPolicy = {
    levels: [
      { code: "low", thresholdMinor: 10_000n },
      { code: "very_low", thresholdMinor: 5_000n },
      { code: "empty", thresholdMinor: 0n },
    ],
    cutOffMinor: -2_000n, // 20.00 overdraft
    restoreMinor: 0n,
  };
  const start: SupplyState = { supply: "on", alarmed: [] };

  it("notifies each level once per crossing, cuts off at the overdraft, restores above the restore level", () => {
    const a = balanceChanged(start, policy, 4_000n);
    expect(a.notify.map((l) => l.code)).toEqual(["low", "very_low"]);
    expect(a.command).toBeUndefined();
    const b = balanceChanged(a.state, policy, 3_000n);
    expect(b.notify).toEqual([]); // no second notice for the same crossing
    const c = balanceChanged(b.state, policy, -2_000n);
    expect(c.notify.map((l) => l.code)).toEqual(["empty"]);
    expect(c.command).toBe("cut_off");
    const d = balanceChanged(c.state, policy, 0n); // a top-up to exactly 0: still off
    expect(d.command).toBeUndefined();
    const e = balanceChanged(d.state, policy, 7_000n); // above 0 and 5,000: restored, two levels re-armed
    expect(e.command).toBe("restore");
    expect(e.state).toEqual({ supply: "on", alarmed: ["low"] });
    expect(balanceChanged(e.state, policy, 4_999n).notify.map((l) => l.code)).toEqual(["very_low"]);
  });

  it("refuses a restore level below the cut-off", () => {
    expect(() => balanceChanged(start, { ...policy, restoreMinor: -3_000n }, 0n)).toThrow(/restoreMinor/);
  });
});

describe("usage deduction", () => {
  const tou = mustParseTariff({
    name: "Shop TOU",
    currency: "EUR",
    tou: {
      bands: [
        {
          code: "peak",
          name: "peak",
          price: [
            { from: "2025-01-01", price: "0.30" },
            { from: "2025-06-03", price: "0.32" },
          ],
        },
        { code: "off", name: "off-peak", price: "0.18" },
      ],
      seasons: [
        {
          name: "all",
          from: "01-01",
          to: "12-31",
          dayTypes: {
            weekday: [
              { from: "00:00", to: "08:00", band: "off" },
              { from: "08:00", to: "20:00", band: "peak" },
              { from: "20:00", to: "24:00", band: "off" },
            ],
            weekend: [{ from: "00:00", to: "24:00", band: "off" }],
          },
        },
      ],
    },
  });

  it("prices each interval at its band's price on its local date", () => {
    const r = priceUsage(
      tou,
      [
        { start: "2025-06-02T05:45:00Z", quantity: "1" }, // 07:45 Berlin: off 0.18
        { start: "2025-06-02T06:00:00Z", quantity: "2" }, // 08:00: peak 0.30
        { start: "2025-06-03T06:00:00Z", quantity: "2" }, // next day: peak 0.32
      ],
      "Europe/Berlin",
    );
    expect(r.cost.toFixed()).toBe("1.42"); // 0.18 + 0.60 + 0.64
    expect(r.byBand.get("peak")?.quantity.toFixed()).toBe("4");
  });

  it("property: however usage is batched, the deductions sum to the exact total rounded once", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 99_999 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 40 }),
        (wh, cuts) => {
          const intervals = wh.map((w, i) => ({
            start: new Date(Date.parse("2025-06-02T00:00:00Z") + i * 900_000).toISOString(),
            quantity: new BillingDecimal(w).div(1000).toFixed(),
          }));
          let cumulative = new BillingDecimal(0);
          let deducted = 0n;
          let i = 0;
          let c = 0;
          while (i < intervals.length) {
            const size = cuts[c++ % cuts.length]!;
            const batch = priceUsage(tou, intervals.slice(i, i + size), "Europe/Berlin");
            const d = deductionFor(cumulative, batch.cost, "EUR");
            expect(d.amountMinor <= 0n).toBe(true);
            deducted += d.amountMinor;
            cumulative = d.cumulativeAfter;
            i += size;
          }
          const whole = priceUsage(tou, intervals, "Europe/Berlin").cost;
          expect(-deducted).toBe(
            BigInt(whole.times(100).toDecimalPlaces(0, BillingDecimal.ROUND_HALF_UP).toFixed()),
          );
        },
      ),
    );
  });

  it("refuses tiered tariffs and bad intervals with the field", () => {
    const tiered = mustParseTariff({
      name: "t",
      currency: "EUR",
      tiered: { tiers: [{ upToKwh: null, price: "0.3" }] },
    });
    expect(() => priceUsage(tiered, [], "Europe/Berlin")).toThrow(/single or TOU/);
    expect(() => priceUsage(tou, [{ start: "2025-06-02T06:00", quantity: "1" }], "Europe/Berlin")).toThrow(
      /intervals\[0\]\.start/,
    );
  });
});

describe("gateway commands", () => {
  const at = (nowMs: number) => ({ nowMs, expiresAtMs: 1_000 });

  it("goes queued → sent → acknowledged → done, expires when late, and final states never change", () => {
    let s: CommandState = "queued";
    s = nextCommandState(s, "send", at(1));
    s = nextCommandState(s, "acknowledge", at(2));
    s = nextCommandState(s, "complete", at(3));
    expect(s).toBe("done");
    expect(() => nextCommandState("done", "fail", at(4))).toThrow(/does not change/);
    expect(nextCommandState("sent", "complete", at(1_000))).toBe("expired");
    expect(() => nextCommandState("queued", "acknowledge", at(1))).toThrow(/cannot acknowledge a queued/);
    expect(supplyCommand("water", "off")).toBe("valve_close");
  });

  it("property: any event sequence ends in a reachable state; once final, every event is refused", () => {
    const events: CommandEvent[] = ["send", "acknowledge", "complete", "fail", "expire"];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...events), { maxLength: 12 }),
        fc.integer({ min: 0, max: 2_000 }),
        (evs, now) => {
          let s: CommandState = "queued";
          for (const e of evs) {
            try {
              s = nextCommandState(s, e, at(now));
            } catch {
              // refused transitions leave the state
            }
            if (now >= 1_000) expect(["queued", "expired"]).toContain(s);
          }
          if (isFinal(s)) for (const e of events) expect(() => nextCommandState(s, e, at(now))).toThrow();
        },
      ),
    );
  });
});
