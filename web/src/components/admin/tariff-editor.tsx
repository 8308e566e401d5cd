"use client";

import type { Tariff } from "@c4e/domain";
import { useState } from "react";
import { saveDraftAction } from "@/app/(admin)/admin/products/actions.ts";
import { ChargeFields } from "@/components/admin/tariff-editor/charges.tsx";
import { EnergyFields } from "@/components/admin/tariff-editor/energy.tsx";
import { type PathError, TariffErrors } from "@/components/admin/tariff-editor/fields.tsx";
import { TariffJsonEditor } from "@/components/admin/tariff-editor/json-editor.tsx";
import { t } from "@/messages/en.ts";
import type { ActionResult } from "@/server/core/action-result.ts";
import { Field, fieldError, formError, useAction } from "./forms.tsx";

/** Drops undefined members so the JSON holds only what the tariff has. */
const clean = (x: Tariff): Tariff => JSON.parse(JSON.stringify(x)) as Tariff;

/**
 * The draft of a product: name, description and the tariff built from the billing engine's
 * components, or edited as JSON (the full model). The server validates it with parseTariff and the
 * errors come back per field path, shown at their inputs (and all of them in the JSON editor).
 */
export function DraftEditor({
  productId,
  version,
  name,
  description,
  tariff: initial,
}: {
  productId: string;
  version: number;
  name: string;
  description: string;
  tariff: Tariff;
}) {
  const [result, action, pending, values] = useAction(saveDraftAction);
  const [tariff, setTariff] = useState<Tariff>(initial);
  const [json, setJson] = useState(() => JSON.stringify(initial, null, 2));
  const set = (next: Tariff) => {
    const cleaned = clean(next);
    setTariff(cleaned);
    setJson(JSON.stringify(cleaned, null, 2));
  };
  const errors: PathError[] = result && !result.ok ? (result.pathErrors ?? []) : [];
  const error = formError(result as ActionResult<unknown> | null);
  return (
    <form action={action} className="stack-form tariff-editor" data-testid="draft-form" noValidate>
      <input type="hidden" name="productId" value={productId} />
      <input type="hidden" name="tariff" value={JSON.stringify(tariff)} />
      <Field name="name" label={t("admin.products.name")} error={fieldError(result, "name")}>
        {(p) => <input {...p} type="text" maxLength={120} required defaultValue={values.name ?? name} />}
      </Field>
      <Field
        name="description"
        label={t("admin.products.description")}
        error={fieldError(result, "description")}
      >
        {(p) => (
          <textarea {...p} rows={3} maxLength={2000} defaultValue={values.description ?? description} />
        )}
      </Field>
      <EnergyFields tariff={tariff} set={set} errors={errors} />
      <ChargeFields tariff={tariff} set={set} errors={errors} />
      <TariffJsonEditor json={json} setJson={setJson} apply={setTariff} open={errors.length > 0} />
      <TariffErrors errors={errors} />
      <div className="actions">
        <button type="submit" className="primary" disabled={pending} data-testid="draft-save">
          {t("admin.products.draft.save")}
        </button>
        <p className="status" role="status" aria-live="polite" data-testid="draft-status">
          {result?.ok ? t("admin.products.draft.saved") : ""}
        </p>
      </div>
      {fieldError(result, "form") && (
        <p className="error" role="alert">
          {t(fieldError(result, "form") ?? "admin.products.error.noDraft")}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <input type="hidden" name="version" value={version} />
    </form>
  );
}
