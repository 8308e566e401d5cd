"use client";

import { updateTimeZoneAction } from "@/app/(admin)/admin/actions.ts";
import { t } from "@/messages/en.ts";
import { Field, fieldError, formError, useAction } from "./forms.tsx";

/** The retailer's time zone: typed with suggestions (IANA names); the server checks it against Intl. */
export function TimeZoneForm({ current, zones }: { current: string; zones: string[] }) {
  const [result, action, pending, values] = useAction(updateTimeZoneAction);
  const error = formError(result);
  return (
    <form action={action} className="stack-form" data-testid="time-zone-form" noValidate>
      <Field
        name="timeZone"
        label={t("admin.settings.timeZone.label")}
        error={fieldError(result, "timeZone")}
      >
        {(p) => (
          <input
            {...p}
            type="text"
            list="time-zones"
            required
            autoComplete="off"
            spellCheck={false}
            defaultValue={values.timeZone ?? current}
            key={values.timeZone ?? current}
          />
        )}
      </Field>
      <datalist id="time-zones">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <div className="actions">
        <button type="submit" className="primary" disabled={pending} data-testid="time-zone-submit">
          {pending ? t("admin.settings.timeZone.submitting") : t("admin.settings.timeZone.submit")}
        </button>
        <p className="status" role="status" aria-live="polite" data-testid="time-zone-status">
          {result?.ok ? t("admin.settings.timeZone.done", { zone: result.value.timeZone }) : ""}
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
