// Custom profile import: a CSV (or the first sheet of an xlsx, `xlsxProfileToCsv`) of `start,mwh` (ISO 8601 instant with offset, MWh with ≤ 4 decimals),
// one row per delivered interval, becomes a contract amendment with a profile product. Every row is
// checked first; an error names `file:line` and nothing is written.
import { parseMwh } from "@c4e/domain/trading";
import type { Queryable } from "@c4e/prisma";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { amendContract } from "./contracts.ts";
import { type TradingContext, type TradingResult, refuse } from "./errors.ts";

export function parseProfileCsv(
  text: string,
  file: string,
): { points: { start: string; mwh: string }[]; errors: string[] } {
  let records: string[][];
  try {
    records = parse(text, {
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
    }) as string[][];
  } catch (e) {
    return { points: [], errors: [`${file}: ${(e as Error).message}`] };
  }
  const header = (records[0] ?? []).join(",");
  if (header !== "start,mwh")
    return { points: [], errors: [`${file}:1: header "start,mwh" expected (got ${JSON.stringify(header)})`] };
  const errors: string[] = [];
  const points: { start: string; mwh: string }[] = [];
  records.slice(1).forEach((r, i) => {
    const at = `${file}:${i + 2}`;
    if (r.length !== 2) {
      errors.push(`${at}: 2 columns expected (start,mwh), got ${r.length} (a decimal comma?)`);
      return;
    }
    const [start = "", mwh = ""] = r;
    if (
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(start) ||
      Number.isNaN(Date.parse(start))
    ) {
      errors.push(`${at}: start: an ISO 8601 instant with offset expected (got ${JSON.stringify(start)})`);
      return;
    }
    try {
      parseMwh(mwh, "mwh");
      points.push({ start: new Date(Date.parse(start)).toISOString(), mwh });
    } catch (e) {
      errors.push(`${at}: ${(e as Error).message}`);
    }
  });
  return { points, errors };
}

/**
 * The first sheet of an xlsx workbook as the same CSV (`start,mwh`; a date cell becomes its ISO
 * instant, a number its decimal text), so both formats share one check and one `file:line` scheme
 * (line = sheet row).
 */
export async function xlsxProfileToCsv(data: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) return "";
  const lines: string[] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const cells = [1, 2].map((c) => {
      const v = row.getCell(c).value;
      if (v instanceof Date) return v.toISOString();
      if (v === null || v === undefined) return "";
      return String(typeof v === "object" && "result" in v ? v.result : v);
    });
    lines.push(cells.join(","));
  });
  return lines.join("\n");
}

/**
 * Replaces a contract's product by the imported profile (a new version; refused when locked). The
 * tenor stays, so every point must lie in the contract's delivery period.
 */
export async function importProfile(
  db: Queryable,
  ctx: TradingContext,
  p: { contractId: string; csv: string; file: string; reason: string; asOf: string },
): Promise<TradingResult<{ version: number; points: number }>> {
  const { points, errors } = parseProfileCsv(p.csv, p.file);
  if (errors.length > 0)
    return refuse(
      "invalid",
      `${p.file}: nothing imported`,
      errors.map((m) => ({ path: m.split(": ")[0] ?? p.file, message: m.slice(m.indexOf(": ") + 2) })),
    );
  const cur = await db.query<{ terms: { tenor: unknown; price: unknown } }>(
    `SELECT v.terms FROM trading_contract c JOIN trading_contract_version v ON v.contract_id = c.id AND v.version = c.current_version
     WHERE c.id = $1 AND c.retailer_id = $2`,
    [p.contractId, ctx.retailerId],
  );
  const row = cur.rows[0];
  if (!row) return refuse("not_found", `no contract ${p.contractId}`);
  const res = await amendContract(db, ctx, {
    contractId: p.contractId,
    terms: {
      product: { kind: "profile", points },
      tenor: row.terms.tenor,
      quantity: { kind: "profile" },
      price: row.terms.price,
    },
    reason: p.reason,
    asOf: p.asOf,
  });
  if (!res.ok) return res;
  return { ok: true, value: { version: res.value.version, points: points.length } };
}
