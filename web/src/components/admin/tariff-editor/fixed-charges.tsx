"use client";

import type { FixedCharge } from "@c4e/domain";
import {
  Group,
  PriceInput,
  RemoveButton,
  replaceAt,
  Select,
  type TariffFieldsProps,
  TextInput,
} from "@/components/admin/tariff-editor/fields.tsx";
import { t } from "@/messages/en.ts";

/** Fixed charges: a price per day or month, each with its code and description. */
export function FixedChargesFields({ tariff, set, errors }: TariffFieldsProps) {
  const c = tariff.currency;
  const fixed = tariff.fixedCharges ?? [];
  const setFixed = (next: FixedCharge[]) => set({ ...tariff, fixedCharges: next.length ? next : undefined });
  return (
    <Group legend={t("admin.products.tariff.fixed")}>
      {fixed.map((f, i) => (
        <div className="form-row" key={i}>
          <TextInput
            path={`fixedCharges[${i}].code`}
            label={t("admin.products.tariff.fixed.code")}
            value={f.code}
            onChange={(v) => setFixed(replaceAt(fixed, i, { ...f, code: v }))}
            errors={errors}
            width="short"
          />
          <TextInput
            path={`fixedCharges[${i}].description`}
            label={t("admin.products.tariff.fixed.description")}
            value={f.description}
            onChange={(v) => setFixed(replaceAt(fixed, i, { ...f, description: v }))}
            errors={errors}
          />
          <Select<"day" | "month" | "year">
            path={`fixedCharges[${i}].per`}
            label={t("admin.products.tariff.fixed.per")}
            value={f.per}
            options={[
              { value: "month", label: t("admin.products.tariff.fixed.per.month") },
              { value: "day", label: t("admin.products.tariff.fixed.per.day") },
              { value: "year", label: t("admin.products.tariff.fixed.per.year") },
            ]}
            onChange={(v) => setFixed(replaceAt(fixed, i, { ...f, per: v }))}
            errors={errors}
          />
          <PriceInput
            path={`fixedCharges[${i}].price`}
            label={t("admin.products.tariff.price", { currency: c })}
            value={f.price}
            onChange={(v) => setFixed(replaceAt(fixed, i, { ...f, price: v }))}
            errors={errors}
          />
          <RemoveButton
            label={`${t("admin.products.tariff.remove")} ${f.code}`}
            onClick={() => setFixed(fixed.filter((_, j) => j !== i))}
          />
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          setFixed([
            ...fixed,
            { code: `fee${fixed.length + 1}`, description: "Base charge", per: "month", price: "0.00" },
          ])
        }
      >
        {t("admin.products.tariff.fixed.add")}
      </button>
    </Group>
  );
}
