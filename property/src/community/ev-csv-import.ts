// EV-charger quarter hours from a charger backend's CSV (format: docs/communities.md, "EV-charger CSV").
//
//   meter_id,interval_start,energy_wh
//   ev-3,2026-01-01T00:00:00+01:00,1200
//
// All or nothing: every row is checked (a meter of the community with role ev_charger and source csv,
// an ISO instant on the quarter-hour grid, an integer Wh ≥ 0 within the meter's rated power × 15 min,
// no row twice, no stored value changed) and a file with any bad row stores nothing; the refusal lists
// each bad row by line number. A row equal to the stored one is skipped, so a re-import is harmless.
import { parse } from "csv-parse/sync";
import type pg from "pg";
import { withTransaction } from "@c4e/prisma";
import { getCommunity } from "./communities.ts";
import { CommunityError, type ManagerContext } from "./errors.ts";

export const EV_CSV_COLUMNS = ["meter_id", "interval_start", "energy_wh"] as const;

export type EvCsvResult = { importId: string; stored: number; unchanged: number };

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export async function importEvCsv(
  pool: pg.Pool,
  ctx: ManagerContext,
  input: { communityId: string; importId: string; csv: string },
): Promise<EvCsvResult> {
  let records: string[][];
  try {
    records = parse(input.csv, {
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    }) as string[][];
  } catch (e) {
    throw new CommunityError("bad_request", `csv: ${(e as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header || header.join(",") !== EV_CSV_COLUMNS.join(",")) {
    throw new CommunityError("bad_request", `csv line 1: the header must be ${EV_CSV_COLUMNS.join(",")}`);
  }
  return withTransaction(pool, async (db) => {
    await getCommunity(db, ctx, input.communityId);
    const meters = await db.query<{ meter_id: string; rated_power_w: number }>(
      `SELECT cm.meter_id, m.rated_power_w FROM community_meter cm JOIN meter m ON m.id = cm.meter_id
       WHERE cm.community_id = $1 AND cm.role = 'ev_charger' AND cm.source = 'csv'`,
      [input.communityId],
    );
    const rated = new Map(meters.rows.map((m) => [m.meter_id, m.rated_power_w]));
    const errors: string[] = [];
    const seen = new Set<string>();
    const good: { meterId: string; startAt: Date; wh: bigint; line: number }[] = [];
    rows.forEach(([meterId, start, energy], i) => {
      const line = i + 2;
      const fail = (msg: string) => errors.push(`line ${line}: ${msg}`);
      if (!meterId || !rated.has(meterId))
        return fail(
          `meter ${JSON.stringify(meterId)} is no CSV EV charger of community ${input.communityId}`,
        );
      if (!start || !INSTANT.test(start))
        return fail(`interval_start ${JSON.stringify(start)} is not an ISO instant with offset`);
      const t = Date.parse(start);
      if (Number.isNaN(t) || t % 900_000 !== 0)
        return fail(`interval_start ${start} is not on the quarter-hour grid`);
      if (!energy || !/^\d+$/.test(energy))
        return fail(`energy_wh ${JSON.stringify(energy)} is not a whole number of Wh ≥ 0`);
      const wh = BigInt(energy);
      const max = BigInt(rated.get(meterId)!) / 4n; // W × 0.25 h
      if (wh > max)
        return fail(`energy_wh ${energy} exceeds the charger's ${max} Wh per quarter hour (rated power)`);
      const key = `${meterId}|${t}`;
      if (seen.has(key)) return fail(`${meterId} ${start} appears twice`);
      seen.add(key);
      good.push({ meterId, startAt: new Date(t), wh, line });
    });
    if (errors.length === 0 && good.length > 0) {
      const stored = await db.query<{ meter_id: string; start_at: Date; energy_wh: string }>(
        `SELECT e.meter_id, e.start_at, e.energy_wh::text FROM community_ev_interval e
         JOIN unnest($1::text[], $2::timestamptz[]) AS u(meter_id, start_at) ON u.meter_id = e.meter_id AND u.start_at = e.start_at`,
        [good.map((g) => g.meterId), good.map((g) => g.startAt)],
      );
      const have = new Map(
        stored.rows.map((s) => [`${s.meter_id}|${s.start_at.getTime()}`, BigInt(s.energy_wh)]),
      );
      for (const g of good) {
        const old = have.get(`${g.meterId}|${g.startAt.getTime()}`);
        if (old !== undefined && old !== g.wh) {
          errors.push(
            `line ${g.line}: ${g.meterId} ${g.startAt.toISOString()} is stored with ${old} Wh; a correction is not an import`,
          );
        }
      }
    }
    if (errors.length > 0)
      throw new CommunityError("bad_request", `csv: ${errors.length} bad rows, nothing stored`, errors);
    const fresh = good;
    const res = await db.query(
      `INSERT INTO community_ev_interval (meter_id, start_at, energy_wh, import_id)
       SELECT m, s, w, $4 FROM unnest($1::text[], $2::timestamptz[], $3::bigint[]) AS u(m, s, w)
       ON CONFLICT (meter_id, start_at) DO NOTHING`,
      [
        fresh.map((g) => g.meterId),
        fresh.map((g) => g.startAt),
        fresh.map((g) => g.wh.toString()),
        input.importId,
      ],
    );
    const storedCount = res.rowCount ?? 0;
    return { importId: input.importId, stored: storedCount, unchanged: fresh.length - storedCount };
  });
}
