"use client";

import { DynamicFields } from "@/components/admin/tariff-editor/dynamic.tsx";
import { Group, Select, type TariffFieldsProps } from "@/components/admin/tariff-editor/fields.tsx";
import { type Kind, kindOf, withKind } from "@/components/admin/tariff-editor/kinds.ts";
import { SingleRateFields } from "@/components/admin/tariff-editor/single-rate.tsx";
import { TieredFields } from "@/components/admin/tariff-editor/tiered.tsx";
import { TimeOfUseFields } from "@/components/admin/tariff-editor/time-of-use.tsx";
import { t } from "@/messages/en.ts";

/** The energy pricing of the chosen kind. */
export function EnergyFields({ tariff, set, errors }: TariffFieldsProps) {
  const kind = kindOf(tariff);
  return (
    <Group legend={t("admin.products.tariff.energy")}>
      <Select<Kind>
        path="kind"
        label={t("admin.products.tariff.kind")}
        value={kind}
        options={(["single", "tou", "tiered", "dynamic"] as const).map((k) => ({
          value: k,
          label: t(`admin.products.tariff.kind.${k}`),
        }))}
        onChange={(k) => set(withKind(tariff, k))}
        errors={[]}
      />
      {tariff.single && <SingleRateFields tariff={tariff} set={set} errors={errors} />}
      {tariff.tou && <TimeOfUseFields tariff={tariff} set={set} errors={errors} />}
      {tariff.tiered && <TieredFields tariff={tariff} set={set} errors={errors} />}
      {tariff.dynamic && <DynamicFields tariff={tariff} set={set} errors={errors} />}
    </Group>
  );
}
