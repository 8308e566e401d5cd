"use client";

import { useActionState, useState } from "react";
import type { MessageKey } from "@/messages/en.ts";
import { t } from "@/messages/en.ts";
import type { ActionResult } from "@/server/core/action-result.ts";
import { type FieldControl, FormField } from "./form-field.tsx";

type Action<T> = (previous: ActionResult<T> | null, form: FormData) => Promise<ActionResult<T>>;

/** The message of a failed action for the form as a whole (field errors are shown at their fields). */
export function formError(result: ActionResult<unknown> | null): string | null {
  if (!result || result.ok || result.fieldErrors) return null;
  if (result.error === "forbidden") return t("form.error.forbidden");
  if (result.error === "unauthenticated") return t("form.error.unauthenticated");
  if (result.error === "not_found") return t("form.error.notFound");
  if (result.error === "too_many_requests") return t("form.error.tooManyRequests");
  return t("form.error.generic", { message: result.message });
}

export function fieldError(result: ActionResult<unknown> | null, field: string): MessageKey | undefined {
  return result && !result.ok ? result.fieldErrors?.[field] : undefined;
}

/** A FormField named after its form field: id `field-<name>`, the error a message key, `error-<name>` its test id. */
export function Field({
  name,
  label,
  hint,
  error,
  children,
}: {
  name: string;
  label: string;
  hint?: string;
  error?: MessageKey | undefined;
  children: (props: FieldControl & { name: string }) => React.ReactNode;
}) {
  return (
    <FormField
      id={`field-${name}`}
      label={label}
      hint={hint}
      error={error ? t(error) : undefined}
      errorTestId={`error-${name}`}
    >
      {(control) => children({ ...control, name })}
    </FormField>
  );
}

/**
 * Wraps useActionState for a server action returning an ActionResult. `values` are the texts of the
 * last failed submission: React resets a form after its action, so inputs use them as defaultValue
 * and keep what the user typed next to the error.
 */
export function useAction<T>(action: Action<T>) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, dispatch, pending] = useActionState<ActionResult<T> | null, FormData>(
    async (previous, form) => {
      const next = await action(previous, form);
      const texts: Record<string, string> = {};
      for (const [k, v] of form.entries()) if (typeof v === "string") texts[k] = v;
      setValues(next.ok ? {} : texts);
      return next;
    },
    null,
  );
  return [result, dispatch, pending, values] as const;
}
