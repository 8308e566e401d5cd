"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
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
import type { PeriodEnergy, PeriodTotals, SitePeriod } from "@/lib/api-types.ts";
import { formatBucket, formatChange, formatDateRange, formatKwh } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { apiFetch } from "./api.ts";

type Period = PeriodEnergy["period"];
const PERIODS: Period[] = ["day", "week", "month", "year"];

/** The dashboard refreshes the current period this often, so the charts follow arriving readings. */
const LIVE_REFRESH_MS = 10_000;

const COLORS = {
  production: "#e0a100",
  consumption: "#2f6fb3",
  selfConsumption: "#7b4fb3",
  export: "#2e9b5f",
  import: "#b34a2f",
  lastYear: "#8a968f",
} as const;

type TotalKey = keyof PeriodTotals;
const TOTALS: { key: TotalKey; label: string; testId: string; color: string }[] = [
  {
    key: "productionWh",
    label: t("energy.production"),
    testId: "total-production",
    color: COLORS.production,
  },
  {
    key: "consumptionWh",
    label: t("energy.consumption"),
    testId: "total-consumption",
    color: COLORS.consumption,
  },
  {
    key: "selfConsumptionWh",
    label: t("energy.selfConsumption"),
    testId: "total-self-consumption",
    color: COLORS.selfConsumption,
  },
  { key: "exportWh", label: t("energy.export"), testId: "total-export", color: COLORS.export },
  { key: "importWh", label: t("energy.import"), testId: "total-import", color: COLORS.import },
];

/** Shifts a local date (YYYY-MM-DD) by whole periods; calendar arithmetic in UTC, no time zone involved. */
export function shiftDate(date: string, period: Period, steps: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (period === "day") d.setUTCDate(d.getUTCDate() + steps);
  else if (period === "week") d.setUTCDate(d.getUTCDate() + 7 * steps);
  else if (period === "month") {
    d.setUTCDate(1); // the period is the whole month: any day in it will do
    d.setUTCMonth(d.getUTCMonth() + steps);
  } else d.setUTCFullYear(d.getUTCFullYear() + steps);
  return d.toISOString().slice(0, 10);
}

const kwh = (wh: number) => Math.round(wh) / 1000;

function Totals({ site }: { site: SitePeriod }) {
  const hasLastYear = site.previousYear.buckets.some((b) => b.productionWh || b.importWh || b.exportWh);
  return (
    <dl className="totals totals-5">
      {TOTALS.map((i) => {
        const now = site.current.totals[i.key];
        const before = site.previousYearToDate[i.key];
        const change = hasLastYear ? formatChange(now, before) : null;
        return (
          <div key={i.key} className="total" data-testid={i.testId}>
            <dt>
              <span className="swatch" style={{ background: i.color }} aria-hidden="true" />
              {i.label}
            </dt>
            <dd>{t("today.kwh", { value: formatKwh(now) })}</dd>
            <dd className="compare">
              {hasLastYear ? t("energy.lastYear", { value: formatKwh(before) }) : t("energy.noComparison")}
              {change && <> · {t("energy.change", { change })}</>}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

function SiteChart({ site, asOf }: { site: SitePeriod; asOf: string }) {
  const range = formatDateRange(site.current.start, site.current.end, site.timeZone);
  // Buckets still in the future carry no value (lines stop at "now" instead of dropping to zero).
  const data = site.current.buckets.map((b, i) => {
    const future = Date.parse(b.start) > Date.parse(asOf);
    return {
      label: formatBucket(b.start, site.bucket, site.timeZone),
      production: future ? null : kwh(b.productionWh),
      consumption: future ? null : kwh(b.consumptionWh),
      selfConsumption: future ? null : kwh(b.selfConsumptionWh),
      export: future ? null : kwh(b.exportWh),
      lastYear: kwh(site.previousYear.buckets[i]?.productionWh ?? 0),
    };
  });
  const hasEnergy = site.current.buckets.some((b) => b.productionWh || b.importWh || b.exportWh);
  const label = t("energy.chartLabel", { site: site.name, range });
  return (
    <div className="site-today">
      <p className="muted" data-testid="energy-range">
        {t("energy.site", { site: site.name, range, timeZone: site.timeZone })}
      </p>
      <Totals site={site} />
      {hasEnergy ? (
        <>
          <div className="chart" role="img" aria-label={label}>
            <ResponsiveContainer width="100%" height={280}>
              <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" tickMargin={6} minTickGap={12} />
                <YAxis width={52} tickFormatter={(v: number) => formatKwh(v * 1000)} />
                <Tooltip formatter={(v) => t("today.kwh", { value: formatKwh(Number(v) * 1000) })} />
                <Legend itemSorter={null} />
                <Bar dataKey="production" name={t("energy.production")} fill={COLORS.production} />
                <Bar dataKey="consumption" name={t("energy.consumption")} fill={COLORS.consumption} />
                <Line
                  dataKey="selfConsumption"
                  name={t("energy.selfConsumption")}
                  stroke={COLORS.selfConsumption}
                  strokeWidth={2}
                  dot={false}
                  type="monotone"
                  isAnimationActive={false}
                />
                <Line
                  dataKey="export"
                  name={t("energy.export")}
                  stroke={COLORS.export}
                  strokeWidth={2}
                  dot={false}
                  type="monotone"
                  isAnimationActive={false}
                />
                <Line
                  dataKey="lastYear"
                  name={t("energy.productionLastYear")}
                  stroke={COLORS.lastYear}
                  strokeWidth={2}
                  strokeDasharray="5 4"
                  dot={false}
                  type="monotone"
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <details className="data-table">
            <summary>{label}</summary>
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("energy.bucket")}</th>
                    <th scope="col" className="num">
                      {t("energy.production")}
                    </th>
                    <th scope="col" className="num">
                      {t("energy.consumption")}
                    </th>
                    <th scope="col" className="num">
                      {t("energy.selfConsumption")}
                    </th>
                    <th scope="col" className="num">
                      {t("energy.export")}
                    </th>
                    <th scope="col" className="num">
                      {t("energy.import")}
                    </th>
                    <th scope="col" className="num">
                      {t("energy.productionLastYear")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {site.current.buckets.map((b, i) => (
                    <tr key={b.start}>
                      <th scope="row">{formatBucket(b.start, site.bucket, site.timeZone)}</th>
                      <td className="num">{formatKwh(b.productionWh)}</td>
                      <td className="num">{formatKwh(b.consumptionWh)}</td>
                      <td className="num">{formatKwh(b.selfConsumptionWh)}</td>
                      <td className="num">{formatKwh(b.exportWh)}</td>
                      <td className="num">{formatKwh(b.importWh)}</td>
                      <td className="num">{formatKwh(site.previousYear.buckets[i]?.productionWh ?? 0)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      ) : (
        <p className="empty">{t("energy.empty")}</p>
      )}
    </div>
  );
}

/**
 * Production, consumption, self-consumption and export for a day, week, month or year with the same
 * period a year earlier. The current period refreshes live; a past one is fetched once.
 */
export function EnergyCard() {
  const [period, setPeriod] = useState<Period>("day");
  const [date, setDate] = useState<string | undefined>(undefined);
  const live = date === undefined;
  const query = useQuery({
    queryKey: ["prosumer", "energy", period, date ?? "now"],
    queryFn: () =>
      apiFetch<PeriodEnergy>(`/api/prosumer/energy?period=${period}${date ? `&date=${date}` : ""}`),
    refetchInterval: live ? LIVE_REFRESH_MS : false,
    placeholderData: (previous) => previous,
  });
  const data = query.data;
  const anchor = data?.sites[0]?.date;

  return (
    <section
      className="card today-card"
      aria-labelledby="energy-title"
      data-testid="today-chart"
      aria-busy={query.isFetching}
    >
      <div className="card-head">
        <h2 id="energy-title">{t("energy.title")}</h2>
        {live && <span className="live-dot">{t("energy.live")}</span>}
      </div>
      <div className="period-bar">
        <div className="segmented" role="group" aria-label={t("energy.period.legend")}>
          {PERIODS.map((p) => (
            <button
              key={p}
              type="button"
              aria-pressed={period === p}
              data-testid={`period-${p}`}
              onClick={() => setPeriod(p)}
            >
              {t(`energy.period.${p}`)}
            </button>
          ))}
        </div>
        <div className="period-nav">
          <button
            type="button"
            disabled={!anchor}
            onClick={() => anchor && setDate(shiftDate(anchor, period, -1))}
            data-testid="period-previous"
          >
            ‹ {t("energy.previous")}
          </button>
          <button type="button" disabled={live} onClick={() => setDate(undefined)} data-testid="period-now">
            {t("energy.current")}
          </button>
          <button
            type="button"
            disabled={!anchor || live}
            onClick={() => anchor && setDate(shiftDate(anchor, period, 1))}
            data-testid="period-next"
          >
            {t("energy.next")} ›
          </button>
        </div>
      </div>
      {!data ? (
        <p className="muted">{query.isPending ? t("app.loading") : t("dashboard.error")}</p>
      ) : data.sites.length === 0 ? (
        <p className="empty">{t("today.noSites")}</p>
      ) : (
        data.sites.map((site) => <SiteChart key={site.id} site={site} asOf={data.asOf} />)
      )}
    </section>
  );
}
