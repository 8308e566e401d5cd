"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { SiteToday } from "../lib/api-types.ts";
import { formatDate, formatHour, formatKwh } from "../lib/format.ts";
import { t } from "../messages/en.ts";

const COLORS = {
  production: "#e0a100",
  consumption: "#2f6fb3",
  export: "#2e9b5f",
  import: "#b34a2f",
} as const;

type Point = { hour: string; production: number; consumption: number; export: number; import: number };

const kwhValue = (wh: number) => Math.round(wh) / 1000;

function Totals({ site }: { site: SiteToday }) {
  const items = [
    {
      key: "production",
      label: t("today.production"),
      wh: site.totals.productionWh,
      color: COLORS.production,
    },
    {
      key: "consumption",
      label: t("today.consumption"),
      wh: site.totals.consumptionWh,
      color: COLORS.consumption,
    },
    { key: "export", label: t("today.export"), wh: site.totals.exportWh, color: COLORS.export },
    { key: "import", label: t("today.import"), wh: site.totals.importWh, color: COLORS.import },
  ];
  return (
    <dl className="totals">
      {items.map((i) => (
        <div key={i.key} className="total" data-testid={`total-${i.key}`}>
          <dt>
            <span className="swatch" style={{ background: i.color }} aria-hidden="true" />
            {i.label}
          </dt>
          <dd>{t("today.kwh", { value: formatKwh(i.wh) })}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Today's hourly production and consumption (bars) with grid feed-in and draw (lines) of one site. */
export function SiteTodayChart({ site }: { site: SiteToday }) {
  const data: Point[] = site.buckets.map((b) => ({
    hour: formatHour(b.start, site.timeZone),
    production: kwhValue(b.productionWh),
    consumption: kwhValue(b.consumptionWh),
    export: kwhValue(b.exportWh),
    import: kwhValue(b.importWh),
  }));
  const hasEnergy = site.buckets.some((b) => b.productionWh || b.consumptionWh || b.exportWh || b.importWh);
  const label = t("today.chartLabel", { site: site.name });
  return (
    <div className="site-today">
      <p className="muted">
        {t("today.site", {
          site: site.name,
          date: formatDate(site.dayStart, site.timeZone),
          timeZone: site.timeZone,
        })}
      </p>
      <Totals site={site} />
      {hasEnergy ? (
        <>
          <div className="chart" role="img" aria-label={label}>
            <ResponsiveContainer width="100%" height={280}>
              <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="hour" tickMargin={6} minTickGap={12} />
                <YAxis width={48} tickFormatter={(v: number) => formatKwh(v * 1000)} unit="" />
                <Tooltip formatter={(v) => t("today.kwh", { value: formatKwh(Number(v) * 1000) })} />
                <Legend itemSorter={null} />
                <Bar dataKey="production" name={t("today.production")} fill={COLORS.production} />
                <Bar dataKey="consumption" name={t("today.consumption")} fill={COLORS.consumption} />
                <Line
                  dataKey="export"
                  name={t("today.export")}
                  stroke={COLORS.export}
                  strokeWidth={2}
                  dot={false}
                  type="monotone"
                />
                <Line
                  dataKey="import"
                  name={t("today.import")}
                  stroke={COLORS.import}
                  strokeWidth={2}
                  strokeDasharray="4 3"
                  dot={false}
                  type="monotone"
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <details className="data-table">
            <summary>{label}</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("today.hour")}</th>
                  <th scope="col">{t("today.production")}</th>
                  <th scope="col">{t("today.consumption")}</th>
                  <th scope="col">{t("today.export")}</th>
                  <th scope="col">{t("today.import")}</th>
                </tr>
              </thead>
              <tbody>
                {site.buckets.map((b) => (
                  <tr key={b.start}>
                    <th scope="row">{formatHour(b.start, site.timeZone)}</th>
                    <td>{formatKwh(b.productionWh)}</td>
                    <td>{formatKwh(b.consumptionWh)}</td>
                    <td>{formatKwh(b.exportWh)}</td>
                    <td>{formatKwh(b.importWh)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      ) : (
        <p className="empty">{t("today.empty")}</p>
      )}
    </div>
  );
}
