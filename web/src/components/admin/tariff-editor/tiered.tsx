"use client";

import type { TieredTariff } from "@c4e/domain";
import {
  Group,
  PathErrors,
  PriceInput,
  RemoveButton,
  replaceAt,
  type TariffFieldsProps,
  TextInput,
} from "@/components/admin/tariff-editor/fields.tsx";
import { t } from "@/messages/en.ts";

/** Tiered blocks: each tier's price up to its kWh bound, the last one open-ended. */
export function TieredFields({ tariff, set, errors }: TariffFieldsProps & { tariff: TieredTariff }) {
  const c = tariff.currency;
  const tiers = tariff.tiered.tiers;
  const setTiers = (next: typeof tiers) => set({ ...tariff, tiered: { tiers: next } });
  return (
    <Group legend={t("admin.products.tariff.tiers")}>
      <PathErrors errors={errors.filter((e) => e.path === "tiered.tiers")} path="tiered.tiers" />
      {tiers.map((x, i) => (
        <div className="form-row" key={i}>
          <TextInput
            path={`tiered.tiers[${i}].upToKwh`}
            label={t("admin.products.tariff.tier.upTo")}
            value={x.upToKwh ?? ""}
            onChange={(v) => setTiers(replaceAt(tiers, i, { ...x, upToKwh: v.trim() === "" ? null : v }))}
            errors={errors}
            inputMode="decimal"
            width="short"
          />
          <PriceInput
            path={`tiered.tiers[${i}].price`}
            label={t("admin.products.tariff.pricePerKwh", { currency: c })}
            value={x.price}
            onChange={(v) => setTiers(replaceAt(tiers, i, { ...x, price: v }))}
            errors={errors}
          />
          <RemoveButton
            label={`${t("admin.products.tariff.remove")} ${i + 1}`}
            onClick={() => setTiers(tiers.filter((_, j) => j !== i))}
          />
        </div>
      ))}
      <button type="button" onClick={() => setTiers([...tiers, { upToKwh: null, price: "0.00" }])}>
        {t("admin.products.tariff.tier.add")}
      </button>
    </Group>
  );
}
