// Properties of the DataHub energy calculation on random grid areas: after the grid loss is
// assigned the area balances in every quarter, and supplier and BRP rows add up to the area's.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EnergyResult, calculateDataHubEnergy } from "./datahub-energy.ts";
import type { DataHubInput, MeteringPointPeriod, TimeSeriesPoint } from "./datahub-input.ts";

const START = Date.parse("2023-07-01T22:00:00Z");
const QUARTERS = 8;
const END = START + QUARTERS * 900_000;

const pointArb = fc.record({
  kind: fc.constantFrom("flex", "non_profiled", "production", "exchange-in", "exchange-out"),
  resolution: fc.constantFrom("PT15M" as const, "PT1H" as const),
  supplier: fc.constantFrom("ES-1", "ES-2", "ES-3"),
  brp: fc.constantFrom("BRP-1", "BRP-2"),
  values: fc.array(fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }), {
    minLength: QUARTERS,
    maxLength: QUARTERS,
  }),
});

describe("calculateDataHubEnergy properties", () => {
  it("balances every quarter and sums supplier rows to BRP and area rows", () => {
    fc.assert(
      fc.property(fc.array(pointArb, { minLength: 1, maxLength: 8 }), (specs) => {
        const base = {
          gridArea: "800",
          fromGridArea: null,
          toGridArea: null,
          parentMeteringPointId: null,
          fromMs: 0,
          toMs: null,
        };
        const mps: MeteringPointPeriod[] = [
          {
            ...base,
            meteringPointId: "GL-17",
            type: "E17",
            settlementMethod: "flex",
            resolution: "PT15M",
            energySupplierId: "ES-1",
            balanceResponsibleId: "BRP-1",
          },
          {
            ...base,
            meteringPointId: "GL-18",
            type: "E18",
            settlementMethod: null,
            resolution: "PT15M",
            energySupplierId: "ES-2",
            balanceResponsibleId: "BRP-2",
          },
        ];
        const points: TimeSeriesPoint[] = [];
        specs.forEach((s, i) => {
          const id = `MP-${i}`;
          const common = {
            ...base,
            meteringPointId: id,
            resolution: s.resolution,
            energySupplierId: s.supplier,
            balanceResponsibleId: s.brp,
          };
          if (s.kind === "flex" || s.kind === "non_profiled")
            mps.push({ ...common, type: "E17", settlementMethod: s.kind });
          else if (s.kind === "production") mps.push({ ...common, type: "E18", settlementMethod: null });
          else
            mps.push({
              ...common,
              type: "E20",
              settlementMethod: null,
              energySupplierId: null,
              balanceResponsibleId: null,
              fromGridArea: s.kind === "exchange-in" ? "801" : "800",
              toGridArea: s.kind === "exchange-in" ? "800" : "801",
            });
          const step = s.resolution === "PT1H" ? 4 : 1;
          for (let q = 0; q < QUARTERS; q += step) {
            const v = s.values[q];
            if (v !== null && v !== undefined)
              points.push({
                meteringPointId: id,
                quantityWh: BigInt(v),
                quality: "measured",
                observationMs: START + q * 900_000,
              });
          }
        });
        const input: DataHubInput = {
          meteringPointPeriods: mps,
          timeSeriesPoints: points,
          gridLossMeteringPointIds: ["GL-17", "GL-18"],
          chargeLinks: [],
          chargePriceInformation: [],
          chargePricePoints: [],
        };
        const results = calculateDataHubEnergy(input, {
          gridAreas: ["800"],
          startMs: START,
          endMs: END,
          timeZone: "Europe/Copenhagen",
        });
        const at = (type: string, level: "ga" | "brp" | "es", t: number) =>
          results
            .filter(
              (r: EnergyResult) =>
                r.type === type &&
                r.timeMs === t &&
                r.meteringPointId === null &&
                (level === "ga"
                  ? r.energySupplierId === null && r.balanceResponsibleId === null
                  : level === "brp"
                    ? r.energySupplierId === null && r.balanceResponsibleId !== null
                    : r.energySupplierId !== null),
            )
            .reduce((s, r) => s + r.quantityWh, 0n);
        for (let q = 0; q < QUARTERS; q++) {
          const t = START + q * 900_000;
          // after the grid loss: production + net exchange = flex + non-profiled = total consumption
          const supply = at("production", "ga", t) + at("net_exchange_per_ga", "ga", t);
          const use = at("flex_consumption", "ga", t) + at("non_profiled_consumption", "ga", t);
          expect(supply).toBe(use);
          expect(at("total_consumption", "ga", t)).toBe(supply);
          for (const type of ["flex_consumption", "non_profiled_consumption", "production"]) {
            expect(at(type, "es", t)).toBe(at(type, "ga", t));
            expect(at(type, "brp", t)).toBe(at(type, "ga", t));
          }
          const loss = results.find((r) => r.type === "grid_loss" && r.timeMs === t)!.quantityWh;
          const pos = results.find((r) => r.type === "positive_grid_loss" && r.timeMs === t)!.quantityWh;
          const neg = results.find((r) => r.type === "negative_grid_loss" && r.timeMs === t)!.quantityWh;
          expect(pos - neg).toBe(loss);
          expect(pos >= 0n && neg >= 0n && (pos === 0n || neg === 0n)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});
