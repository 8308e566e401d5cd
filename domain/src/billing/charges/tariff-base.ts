/** What every tariff has besides its energy price: name, currency and the optional add-on charges. */
import type { CurrencyCode } from "../invoice.ts";
import type { CapacityCharge } from "./capacity.ts";
import type { Commodity, GasConversion } from "./commodity.ts";
import type { DemandCharge } from "./demand.ts";
import type { ExportCompensation } from "./export-compensation.ts";
import type { KwhAdjustment } from "./adjustments.ts";
import type { FixedCharge } from "./fixed-charges.ts";
import type { MinimumCharge } from "./minimum-charges.ts";

export type TariffBase = {
  name: string;
  currency: CurrencyCode;
  /** What is billed: electricity (default) and gas per kWh, water per m³, heating oil per litre. */
  commodity?: Commodity;
  /** Gas metered in m³: converted to kWh with the calorific value and the z factor. */
  gasConversion?: GasConversion;
  fixedCharges?: FixedCharge[];
  /** Prices per billed kWh besides the energy price (fuel-cost adjustment, …); may be negative. */
  adjustments?: KwhAdjustment[];
  /** Supply charges topped up to a minimum per month or year. */
  minimumCharges?: MinimumCharge[];
  /** Contracted kW × price per kW and month. */
  capacity?: CapacityCharge;
  /** Peak demand in the period (15-min or hourly mean kW) × price per kW and month. */
  demand?: DemandCharge;
  export?: ExportCompensation;
};
