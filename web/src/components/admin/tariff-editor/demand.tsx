"use client";

import {
  Group,
  PriceInput,
  ResolutionSelect,
  type TariffFieldsProps,
} from "@/components/admin/tariff-editor/fields.tsx";
import { t } from "@/messages/en.ts";

/** The demand charge: peak kW at a 15- or 60-minute resolution × price per kW, when enabled. */
export function DemandFields({ tariff, set, errors }: TariffFieldsProps) {
  const c = tariff.currency;
  return (
    <Group legend={t("admin.products.tariff.demand")}>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={tariff.demand !== undefined}
          onChange={(e) =>
            set({
              ...tariff,
              demand: e.target.checked ? { resolutionMinutes: 15, price: "0.00" } : undefined,
            })
          }
          data-testid="tariff-demand-enable"
        />{" "}
        {t("admin.products.tariff.enable")}
      </label>
      {tariff.demand && (
        <div className="form-row">
          <ResolutionSelect
            path="demand.resolutionMinutes"
            value={tariff.demand.resolutionMinutes}
            onChange={(minutes) =>
              tariff.demand && set({ ...tariff, demand: { ...tariff.demand, resolutionMinutes: minutes } })
            }
            errors={errors}
          />
          <PriceInput
            path="demand.price"
            label={t("admin.products.tariff.demand.price", { currency: c })}
            value={tariff.demand.price}
            onChange={(v) => tariff.demand && set({ ...tariff, demand: { ...tariff.demand, price: v } })}
            errors={errors}
          />
        </div>
      )}
    </Group>
  );
}
