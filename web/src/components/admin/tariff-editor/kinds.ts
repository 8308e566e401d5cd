import type { Tariff } from "@c4e/domain";

/** The four ways a tariff prices energy, as the editor's kind select names them. */
export type Kind = "single" | "tou" | "tiered" | "dynamic";

export const kindOf = (x: Tariff): Kind =>
  x.tou ? "tou" : x.tiered ? "tiered" : x.dynamic ? "dynamic" : "single";

/** Default terms of each energy pricing kind, when the admin switches to it. */
export function withKind(x: Tariff, kind: Kind): Tariff {
  const { single: _s, tou: _t, tiered: _ti, dynamic: _d, ...rest } = x;
  switch (kind) {
    case "single":
      return { ...rest, single: { price: "0.30" } };
    case "tou":
      return {
        ...rest,
        tou: {
          bands: [
            { code: "peak", name: "Peak", price: "0.34" },
            { code: "offpeak", name: "Off-peak", price: "0.24" },
          ],
          seasons: [
            {
              name: "all year",
              from: "01-01",
              to: "12-31",
              dayTypes: {
                weekday: [
                  { from: "00:00", to: "08:00", band: "offpeak" },
                  { from: "08:00", to: "20:00", band: "peak" },
                  { from: "20:00", to: "24:00", band: "offpeak" },
                ],
                weekend: [{ from: "00:00", to: "24:00", band: "offpeak" }],
              },
            },
          ],
        },
      };
    case "tiered":
      return {
        ...rest,
        tiered: {
          tiers: [
            { upToKwh: "100", price: "0.25" },
            { upToKwh: null, price: "0.32" },
          ],
        },
      };
    case "dynamic":
      return {
        ...rest,
        // net metering needs a fixed energy price
        ...(rest.export?.kind === "net_metering" ? { export: undefined } : {}),
        dynamic: { resolutionMinutes: 60, margin: "0.02" },
      };
  }
}
