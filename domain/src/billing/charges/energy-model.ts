/** What every energy charge model provides: its JSON validation and its bill lines. */
import type { BilledQuantities } from "../bill-lines.ts";
import type { DraftLine } from "../invoice-builder.ts";
import type { Validator } from "../validation.ts";
import type { LineContext } from "./lines.ts";

export type EnergyLineContext = LineContext & {
  quantities: BilledQuantities;
  /** The net-metering breakdown shown on every energy line, when the tariff nets export. */
  netInfo: Record<string, unknown> | undefined;
};

export type EnergyModel<P> = {
  /** Validates the model's JSON at its key in the tariff (errors carry that path). */
  validate(v: Validator, value: unknown): void;
  /** Whether a total (meter readings, standard load profile) is enough, or intervals are needed. */
  billsTotals: boolean;
  /** The unrounded energy lines of one period. */
  lines(ctx: EnergyLineContext, pricing: P): DraftLine[];
};
