"use client";

import {
  Group,
  PriceInput,
  type TariffFieldsProps,
  TextInput,
} from "@/components/admin/tariff-editor/fields.tsx";
import { t } from "@/messages/en.ts";

/** The capacity charge: contracted kW × price per kW and month, when enabled. */
export function CapacityFields({ tariff, set, errors }: TariffFieldsProps) {
  const c = tariff.currency;
  return (
    <Group legend={t("admin.products.tariff.capacity")}>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={tariff.capacity !== undefined}
          onChange={(e) =>
            set({
              ...tariff,
              capacity: e.target.checked ? { contractedKw: "10", price: "0.00" } : undefined,
            })
          }
          data-testid="tariff-capacity-enable"
        />{" "}
        {t("admin.products.tariff.enable")}
      </label>
      {tariff.capacity && (
        <div className="form-row">
          <TextInput
            path="capacity.contractedKw"
            label={t("admin.products.tariff.capacity.kw")}
            value={tariff.capacity.contractedKw}
            onChange={(v) =>
              tariff.capacity && set({ ...tariff, capacity: { ...tariff.capacity, contractedKw: v } })
            }
            errors={errors}
            inputMode="decimal"
            width="short"
          />
          <PriceInput
            path="capacity.price"
            label={t("admin.products.tariff.capacity.price", { currency: c })}
            value={tariff.capacity.price}
            onChange={(v) =>
              tariff.capacity && set({ ...tariff, capacity: { ...tariff.capacity, price: v } })
            }
            errors={errors}
          />
        </div>
      )}
    </Group>
  );
}
