"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { createSwitchDraftAction } from "@/app/(switch)/switch/actions.ts";
import { type MessageKey, t } from "@/messages/en.ts";
import { Field, fieldError, formError, useAction } from "@/components/admin/forms.tsx";

type FieldSpec = {
  name: string;
  label: MessageKey;
  /** "select": one of `options` (value → label), with an empty first choice */
  type: "text" | "email" | "date" | "select";
  options?: [string, MessageKey][];
  hint?: MessageKey;
  autoComplete?: string;
  inputMode?: "decimal" | "numeric";
  maxLength: number;
};

const FIELDS: FieldSpec[] = [
  {
    name: "podIdentifier",
    label: "switch.form.podIdentifier",
    type: "text",
    hint: "switch.form.podIdentifier.hint",
    autoComplete: "off",
    maxLength: 60,
  },
  {
    name: "supplyAddress",
    label: "switch.form.supplyAddress",
    type: "text",
    autoComplete: "street-address",
    maxLength: 300,
  },
  {
    name: "currentSupplier",
    label: "switch.form.currentSupplier",
    type: "text",
    autoComplete: "off",
    maxLength: 200,
  },
  { name: "meterNumber", label: "switch.form.meterNumber", type: "text", autoComplete: "off", maxLength: 40 },
  {
    name: "meteringKind",
    label: "switch.form.meteringKind",
    type: "select",
    hint: "switch.form.meteringKind.hint",
    options: [
      ["slp", "switch.form.meteringKind.slp"],
      ["amr", "switch.form.meteringKind.amr"],
    ],
    maxLength: 3,
  },
  {
    name: "meterReadingKwh",
    label: "switch.form.meterReadingKwh",
    type: "text",
    inputMode: "decimal",
    maxLength: 20,
  },
  { name: "meterReadingDate", label: "switch.form.meterReadingDate", type: "date", maxLength: 10 },
  {
    name: "annualConsumptionKwh",
    label: "switch.form.annualConsumptionKwh",
    type: "text",
    inputMode: "numeric",
    maxLength: 7,
  },
  { name: "desiredStart", label: "switch.form.desiredStart", type: "date", maxLength: 10 },
  { name: "fullName", label: "switch.form.fullName", type: "text", autoComplete: "name", maxLength: 200 },
  { name: "email", label: "switch.form.email", type: "email", autoComplete: "email", maxLength: 200 },
];

/**
 * The public switch form: every field labelled, errors from the server shown at their field (the
 * other entries are kept), then on to the contract preview of the stored draft.
 */
export function SwitchForm({ code }: { code: string }) {
  const router = useRouter();
  const [result, action, pending, values] = useAction(createSwitchDraftAction);
  const error = formError(result);
  useEffect(() => {
    if (result?.ok) router.push(`/switch/review/${result.value.draftId}`);
  }, [result, router]);
  return (
    <form action={action} className="stack-form" data-testid="switch-form" noValidate>
      <input type="hidden" name="code" value={code} />
      {FIELDS.map((f) => (
        <Field
          key={f.name}
          name={f.name}
          label={t(f.label)}
          {...(f.hint ? { hint: t(f.hint) } : {})}
          error={fieldError(result, f.name)}
        >
          {(p) =>
            f.type === "select" ? (
              // keyed by the kept value: a select takes a new defaultValue only when it mounts
              <select {...p} required defaultValue={values[f.name] ?? ""} key={values[f.name] ?? ""}>
                <option value="">{t("switch.form.choose")}</option>
                {f.options?.map(([value, label]) => (
                  <option key={value} value={value}>
                    {t(label)}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...p}
                type={f.type}
                required
                maxLength={f.maxLength}
                autoComplete={f.autoComplete}
                inputMode={f.inputMode}
                defaultValue={values[f.name] ?? ""}
              />
            )
          }
        </Field>
      ))}
      <div className="actions">
        <button type="submit" className="primary" disabled={pending} data-testid="switch-submit">
          {t("switch.form.submit")}
        </button>
        <p className="status" role="status" aria-live="polite">
          {pending ? t("switch.form.pending") : ""}
        </p>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
