"use client";

import type { SingleRateTariff } from "@c4e/domain";
import { PriceInput, type TariffFieldsProps } from "@/components/admin/tariff-editor/fields.tsx";
import { t } from "@/messages/en.ts";

/** Single rate: one price per kWh. */
export function SingleRateFields({ tariff, set, errors }: TariffFieldsProps & { tariff: SingleRateTariff }) {
  return (
    <PriceInput
      path="single.price"
      label={t("admin.products.tariff.pricePerKwh", { currency: tariff.currency })}
      value={tariff.single.price}
      onChange={(v) => set({ ...tariff, single: { price: v } })}
      errors={errors}
    />
  );
}
