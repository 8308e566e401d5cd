import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";
import { z } from "zod";
import { t } from "@/messages/en.ts";
import { AppError } from "@/server/core/errors.ts";
import type { CustomerScope } from "./summary.ts";
import type { Queryable } from "@c4e/prisma";

const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD")
  .refine((d) => {
    const parsed = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(d);
  }, "not a calendar date");

/** `?format=csv|xlsx&from=YYYY-MM-DD&to=YYYY-MM-DD`: local dates of each site, both included. */
export const exportQuery = z
  .object({ format: z.enum(["csv", "xlsx"]).default("csv"), from: localDate, to: localDate })
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["to"] });

export type ExportQuery = z.infer<typeof exportQuery>;

export type ExportRow = {
  siteName: string;
  podId: string;
  meterId: string;
  meterKind: string;
  register: string;
  /** ISO instant (UTC). */
  at: string;
  /** Local time of the site, "YYYY-MM-DD HH:MM:SS". */
  localTime: string;
  timeZone: string;
  valueWh: string;
  deltaWh: string | null;
};

type Row = {
  site_name: string;
  pod_id: string;
  meter_id: string;
  kind: string;
  register: string;
  at: Date;
  local_time: string;
  time_zone: string;
  value_wh: string;
  delta_wh: string | null;
};

const PAGE = 5000;

/**
 * The customer's readings in the range, page by page (keyset on instant, meter, register), so that any
 * range streams in constant memory. A reading at t belongs to (local midnight of `from`, local
 * midnight after `to`] of its site's time zone.
 */
export async function* readingPages(
  db: Queryable,
  scope: CustomerScope,
  query: Pick<ExportQuery, "from" | "to">,
): AsyncGenerator<ExportRow[]> {
  let after: { at: Date; meterId: string; register: string } | null = null as {
    at: Date;
    meterId: string;
    register: string;
  } | null;
  for (;;) {
    const result: { rows: Row[] } = await db.query<Row>(
      `SELECT s.name AS site_name, s.pod_id, m.id AS meter_id, m.kind, x.register, x.at,
              to_char(x.at AT TIME ZONE s.time_zone, 'YYYY-MM-DD HH24:MI:SS') AS local_time, s.time_zone,
              x.value_wh::text AS value_wh, x.delta_wh::text AS delta_wh
       FROM site s
       JOIN meter m ON m.site_id = s.id
       JOIN reading x ON x.meter_id = m.id
       WHERE s.customer_id = $1
         AND x.at > ($2::date::timestamp AT TIME ZONE s.time_zone)
         AND x.at <= (($3::date + 1)::timestamp AT TIME ZONE s.time_zone)
         AND ($4::timestamptz IS NULL OR (x.at, x.meter_id, x.register) > ($4::timestamptz, $5::text, $6::text))
       ORDER BY x.at, x.meter_id, x.register
       LIMIT ${PAGE}`,
      [
        scope.customerId,
        query.from,
        query.to,
        after?.at ?? null,
        after?.meterId ?? null,
        after?.register ?? null,
      ],
    );
    const rows: Row[] = result.rows;
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      siteName: r.site_name,
      podId: r.pod_id,
      meterId: r.meter_id,
      meterKind: r.kind,
      register: r.register,
      at: r.at.toISOString(),
      localTime: r.local_time,
      timeZone: r.time_zone,
      valueWh: r.value_wh,
      deltaWh: r.delta_wh,
    }));
    const last: Row | undefined = rows[rows.length - 1];
    if (!last || rows.length < PAGE) return;
    after = { at: last.at, meterId: last.meter_id, register: last.register };
  }
}

/** Column headers (message catalogue) in the order of `rowValues`. */
export function exportHeaders(): string[] {
  return [
    t("export.col.site"),
    t("export.col.pod"),
    t("export.col.meter"),
    t("export.col.kind"),
    t("export.col.register"),
    t("export.col.at"),
    t("export.col.localTime"),
    t("export.col.timeZone"),
    t("export.col.valueWh"),
    t("export.col.deltaWh"),
  ];
}

function rowValues(r: ExportRow): string[] {
  return [
    r.siteName,
    r.podId,
    r.meterId,
    r.meterKind,
    r.register,
    r.at,
    r.localTime,
    r.timeZone,
    r.valueWh,
    r.deltaWh ?? "",
  ];
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formula prefixes neutralised. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The export as a CSV byte stream (header line, then one line per reading, CRLF line ends). */
export function csvStream(pages: AsyncGenerator<ExportRow[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${exportHeaders().map(csvField).join(",")}\r\n`));
        return;
      }
      const next = await pages.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(
        encoder.encode(next.value.map((r) => `${rowValues(r).map(csvField).join(",")}\r\n`).join("")),
      );
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}

/**
 * The export as an xlsx byte stream: exceljs's streaming writer commits each row as it is written,
 * so the workbook is never held in memory. Energies are numbers (Wh) in the sheet.
 */
export function xlsxStream(pages: AsyncGenerator<ExportRow[]>): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const sheet = workbook.addWorksheet(t("export.sheet"), { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = exportHeaders().map((header, i) => ({ header, width: i === 5 ? 26 : i === 0 ? 20 : 16 }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  void (async () => {
    try {
      for await (const page of pages) {
        for (const r of page) {
          sheet
            .addRow([
              r.siteName,
              r.podId,
              r.meterId,
              r.meterKind,
              r.register,
              r.at,
              r.localTime,
              r.timeZone,
              Number(r.valueWh),
              r.deltaWh === null ? null : Number(r.deltaWh),
            ])
            .commit();
        }
      }
      sheet.commit();
      await workbook.commit();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

/** The HTTP response of an export: streamed body, attachment name with the range. */
export function exportResponse(
  pages: AsyncGenerator<ExportRow[]>,
  query: ExportQuery,
  headers: Record<string, string> = {},
): Response {
  if (query.from > query.to) throw new AppError("bad_request", "from must not be after to");
  const name = `c4e-readings-${query.from}-to-${query.to}.${query.format}`;
  const body = query.format === "csv" ? csvStream(pages) : xlsxStream(pages);
  return new Response(body, {
    headers: {
      "content-type":
        query.format === "csv"
          ? "text/csv; charset=utf-8"
          : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
      ...headers,
    },
  });
}
