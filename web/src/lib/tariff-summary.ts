import type { PriceValue, Tariff } from "@c4e/domain";
import { t } from "@/messages/en.ts";
import { formatLocalDate, formatPrice } from "./format.ts";

/** A price, or a schedule as "€0.34 from Jan 1, 2026, €0.30 from Oct 16, 2026". */
export function priceText(value: PriceValue, currency: string): string {
  if (typeof value === "string") return formatPrice(value, currency);
  return value
    .map((s) =>
      s.from <= "1970-01-01"
        ? formatPrice(s.price, currency)
        : t("summary.schedule", { price: formatPrice(s.price, currency), from: formatLocalDate(s.from) }),
    )
    .join(", ");
}

const resolution = (minutes: 15 | 60) => t(`admin.products.tariff.resolution.${minutes}`);

/**
 * The terms of a tariff as short readable lines (energy price, fixed charges, capacity, demand,
 * export), for the catalogue and the admin's version list.
 */
export function tariffSummary(tariff: Tariff): string[] {
  const c = tariff.currency;
  const p = (v: PriceValue) => priceText(v, c);
  const lines: string[] = [];
  if (tariff.single) lines.push(t("summary.energy.single", { price: p(tariff.single.price) }));
  if (tariff.tou)
    lines.push(
      t("summary.energy.tou", {
        bands: tariff.tou.bands.map((b) => `${b.name} ${p(b.price)}`).join(", "),
        seasons: tariff.tou.seasons.length,
      }),
    );
  if (tariff.tiered)
    lines.push(
      t("summary.energy.tiered", {
        tiers: tariff.tiered.tiers
          .map((x) =>
            x.upToKwh === null
              ? t("summary.energy.tierRest", { price: p(x.price) })
              : t("summary.energy.tierUpTo", { kwh: x.upToKwh, price: p(x.price) }),
          )
          .join("; "),
      }),
    );
  if (tariff.dynamic)
    lines.push(
      t("summary.energy.dynamic", {
        resolution: resolution(tariff.dynamic.resolutionMinutes),
        price: p(tariff.dynamic.margin),
      }),
    );
  for (const f of tariff.fixedCharges ?? [])
    lines.push(
      t("summary.fixed", {
        description: f.description,
        price: p(f.price),
        per: t(`admin.products.tariff.fixed.per.${f.per}`),
      }),
    );
  if (tariff.capacity)
    lines.push(t("summary.capacity", { kw: tariff.capacity.contractedKw, price: p(tariff.capacity.price) }));
  if (tariff.demand)
    lines.push(
      t("summary.demand", {
        price: p(tariff.demand.price),
        resolution: resolution(tariff.demand.resolutionMinutes),
      }),
    );
  if (tariff.export?.kind === "net_metering") lines.push(t("summary.export.net_metering"));
  if (tariff.export?.kind === "feed_in")
    lines.push(t("summary.export.feed_in", { price: p(tariff.export.price) }));
  return lines;
}
