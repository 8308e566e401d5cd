/**
 * The energy balance of a period: what a site consumed and used of its own production, and what
 * a bill nets. Every quantity is ≥ 0 and the balance never creates energy: what comes out
 * (consumption, billed import, surplus export) never exceeds what went in (import, production,
 * export).
 */
import { BillingDecimal } from "../billing/money.ts";

const ZERO = new BillingDecimal(0);

export type NetEnergyParams = { importKwh: BillingDecimal; exportKwh: BillingDecimal; netMetering: boolean };
export type NetEnergy = {
  /** Import billed: import − export under net metering (not below 0), else all import. */
  billedKwh: BillingDecimal;
  /** Export left over after netting (0 without net metering: export is compensated separately). */
  surplusExportKwh: BillingDecimal;
};

/**
 * Net metering of one period: export offsets import kWh for kWh.
 * @example netEnergy({ importKwh: 300, exportKwh: 120, netMetering: true }) // billed 180, surplus 0
 * @example netEnergy({ importKwh: 100, exportKwh: 150, netMetering: true }) // billed 0, surplus 50
 */
export function netEnergy({ importKwh, exportKwh, netMetering }: NetEnergyParams): NetEnergy {
  if (!netMetering) return { billedKwh: importKwh, surplusExportKwh: ZERO };
  return {
    billedKwh: BillingDecimal.max(ZERO, importKwh.minus(exportKwh)),
    surplusExportKwh: BillingDecimal.max(ZERO, exportKwh.minus(importKwh)),
  };
}

/**
 * The netted import spread over time-of-use bands in proportion to each band's import, in `bands`
 * order; the last band takes the rest, so the shares sum to `billedKwh`.
 */
export function netByBand(params: {
  bands: readonly string[];
  importByBand: ReadonlyMap<string, BillingDecimal>;
  importKwh: BillingDecimal;
  billedKwh: BillingDecimal;
}): Map<string, BillingDecimal> {
  const { bands, importByBand, importKwh, billedKwh } = params;
  const out = new Map<string, BillingDecimal>();
  let rest = billedKwh;
  bands.forEach((band, i) => {
    const gross = importByBand.get(band) ?? ZERO;
    const share =
      i === bands.length - 1 ? rest : importKwh.isZero() ? ZERO : gross.times(billedKwh).div(importKwh);
    out.set(band, share);
    rest = rest.minus(share);
  });
  return out;
}

export type SiteEnergyParams = { productionWh: number; importWh: number; exportWh: number };
export type SiteEnergy = SiteEnergyParams & {
  /** Energy used on site: import + production − export, not below 0. */
  consumptionWh: number;
  /** PV production used on site: production − export, not below 0. */
  selfConsumptionWh: number;
};

/**
 * A site's balance from its PV meter (production) and grid meter (import, export), in Wh.
 * @example siteEnergy({ productionWh: 5000, importWh: 2000, exportWh: 3000 })
 *   // consumption 4000 (2000 + 5000 − 3000), self-consumption 2000 (5000 − 3000)
 */
export function siteEnergy({ productionWh, importWh, exportWh }: SiteEnergyParams): SiteEnergy {
  return {
    productionWh,
    exportWh,
    importWh,
    consumptionWh: Math.max(0, importWh + productionWh - exportWh),
    selfConsumptionWh: Math.max(0, productionWh - exportWh),
  };
}

export type BandNetting = {
  importKwh: BillingDecimal;
  exportKwh: BillingDecimal;
  /** Credit carried in from earlier invoices (roll-over, annual true-up). */
  carriedInKwh: BillingDecimal;
  /** Import left to bill: import − (export + carried in), not below 0. */
  billedKwh: BillingDecimal;
  /** Export and carried-in credit left after netting: max(0, export + carried in − import). */
  excessKwh: BillingDecimal;
};

/**
 * Net metering within each band: each interval's export counts in the band of its interval, so
 * the result is Σ import − Σ export of the band whether the meter records gross or netted values
 * per interval. Credit carried in offsets the band's import too. Never creates energy: billed ≤
 * import, excess ≤ export + carried in, and billed + (export + carried in − excess) = import.
 * @example netPerBand({ bands: ["peak"], importByBand: { peak: 100 }, exportByBand: { peak: 30 },
 *   carriedInByBand: { peak: 20 } }) // peak: billed 50, excess 0
 */
export function netPerBand(params: {
  bands: readonly string[];
  importByBand: ReadonlyMap<string, BillingDecimal>;
  exportByBand: ReadonlyMap<string, BillingDecimal>;
  carriedInByBand?: ReadonlyMap<string, BillingDecimal>;
}): Map<string, BandNetting> {
  const out = new Map<string, BandNetting>();
  for (const band of params.bands) {
    const importKwh = params.importByBand.get(band) ?? ZERO;
    const exportKwh = params.exportByBand.get(band) ?? ZERO;
    const carriedInKwh = params.carriedInByBand?.get(band) ?? ZERO;
    const credit = exportKwh.plus(carriedInKwh);
    out.set(band, {
      importKwh,
      exportKwh,
      carriedInKwh,
      billedKwh: BillingDecimal.max(ZERO, importKwh.minus(credit)),
      excessKwh: BillingDecimal.max(ZERO, credit.minus(importKwh)),
    });
  }
  return out;
}
