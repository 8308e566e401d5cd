"use client";

import {
  Group,
  PriceInput,
  Select,
  type TariffFieldsProps,
} from "@/components/admin/tariff-editor/fields.tsx";
import { t } from "@/messages/en.ts";

/** Export compensation: none, net metering, or a feed-in price per kWh. */
export function ExportFields({ tariff, set, errors }: TariffFieldsProps) {
  const c = tariff.currency;
  const exportKind = tariff.export?.kind ?? "none";
  return (
    <Group legend={t("admin.products.tariff.export")}>
      <Select<"none" | "net_metering" | "feed_in">
        path="export.kind"
        label={t("admin.products.tariff.export")}
        value={exportKind}
        options={(["none", "net_metering", "feed_in"] as const).map((k) => ({
          value: k,
          label: t(`admin.products.tariff.export.${k}`),
        }))}
        onChange={(k) =>
          set({
            ...tariff,
            export:
              k === "none" ? undefined : k === "net_metering" ? { kind: k } : { kind: k, price: "0.08" },
          })
        }
        errors={errors}
      />
      {tariff.export?.kind === "feed_in" && (
        <PriceInput
          path="export.price"
          label={t("admin.products.tariff.export.price", { currency: c })}
          value={tariff.export.price}
          onChange={(v) => set({ ...tariff, export: { kind: "feed_in", price: v } })}
          errors={errors}
        />
      )}
    </Group>
  );
}
