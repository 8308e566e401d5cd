"use client";

import type { DynamicTariff } from "@c4e/domain";
import {
  PriceInput,
  ResolutionSelect,
  type TariffFieldsProps,
} from "@/components/admin/tariff-editor/fields.tsx";
import { t } from "@/messages/en.ts";

/** Dynamic: the market price at a 15- or 60-minute resolution plus a margin per kWh. */
export function DynamicFields({ tariff, set, errors }: TariffFieldsProps & { tariff: DynamicTariff }) {
  return (
    <div className="form-row">
      <ResolutionSelect
        path="dynamic.resolutionMinutes"
        value={tariff.dynamic.resolutionMinutes}
        onChange={(minutes) => set({ ...tariff, dynamic: { ...tariff.dynamic, resolutionMinutes: minutes } })}
        errors={errors}
      />
      <PriceInput
        path="dynamic.margin"
        label={t("admin.products.tariff.margin", { currency: tariff.currency })}
        value={tariff.dynamic.margin}
        onChange={(v) => set({ ...tariff, dynamic: { ...tariff.dynamic, margin: v } })}
        errors={errors}
      />
    </div>
  );
}
