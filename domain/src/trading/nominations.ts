/**
 * Nominations (schedules) per balance group, counterparty and hour: the quantities the book delivers
 * in each hour (purchases in, sales out), as sent to the transmission operator. Quarter-hour contracts
 * are nominated per quarter hour; hourly ones per hour.
 */
import type { Mwh4 } from "./mwh.ts";
import { formatMwh } from "./mwh.ts";
import type { Shape } from "./product.ts";

export type NominatedDeal = {
  balanceGroup: string;
  counterpartyId: string;
  side: "buy" | "sell";
  shape: Shape;
};

export type NominationRow = {
  balanceGroup: string;
  counterpartyId: string;
  startMs: number;
  resolutionMinutes: number;
  inMwh: Mwh4;
  outMwh: Mwh4;
};

/** Rows ordered by balance group, counterparty and time; purchases are `in`, sales `out`. */
export function nominations(deals: readonly NominatedDeal[]): NominationRow[] {
  const rows = new Map<string, NominationRow>();
  for (const d of deals)
    for (let i = 0; i < d.shape.startMs.length; i++) {
      const t = d.shape.startMs[i] as number;
      const key = `${d.balanceGroup}\u0000${d.counterpartyId}\u0000${t}\u0000${d.shape.resolutionMinutes}`;
      let r = rows.get(key);
      if (r === undefined) {
        r = {
          balanceGroup: d.balanceGroup,
          counterpartyId: d.counterpartyId,
          startMs: t,
          resolutionMinutes: d.shape.resolutionMinutes,
          inMwh: 0n,
          outMwh: 0n,
        };
        rows.set(key, r);
      }
      if (d.side === "buy") r.inMwh += d.shape.mwh[i] as Mwh4;
      else r.outMwh += d.shape.mwh[i] as Mwh4;
    }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows.values()].sort(
    (a, b) =>
      cmp(a.balanceGroup, b.balanceGroup) || cmp(a.counterpartyId, b.counterpartyId) || a.startMs - b.startMs,
  );
}

/** The schedule file: CSV `balance_group,counterparty,start,resolution_minutes,in_mwh,out_mwh,net_mwh`. */
export function nominationsCsv(rows: readonly NominationRow[]): string {
  return [
    "balance_group,counterparty,start,resolution_minutes,in_mwh,out_mwh,net_mwh",
    ...rows.map((r) =>
      [
        r.balanceGroup,
        r.counterpartyId,
        new Date(r.startMs).toISOString(),
        r.resolutionMinutes,
        formatMwh(r.inMwh),
        formatMwh(r.outMwh),
        formatMwh(r.inMwh - r.outMwh),
      ].join(","),
    ),
    "",
  ].join("\n");
}
