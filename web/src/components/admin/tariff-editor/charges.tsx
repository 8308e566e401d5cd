import { CapacityFields } from "@/components/admin/tariff-editor/capacity.tsx";
import { DemandFields } from "@/components/admin/tariff-editor/demand.tsx";
import { ExportFields } from "@/components/admin/tariff-editor/export.tsx";
import type { TariffFieldsProps } from "@/components/admin/tariff-editor/fields.tsx";
import { FixedChargesFields } from "@/components/admin/tariff-editor/fixed-charges.tsx";

/** Fixed charges, capacity, demand and export compensation. */
export function ChargeFields(props: TariffFieldsProps) {
  return (
    <>
      <FixedChargesFields {...props} />
      <CapacityFields {...props} />
      <DemandFields {...props} />
      <ExportFields {...props} />
    </>
  );
}
