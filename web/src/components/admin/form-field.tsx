import type { ReactNode } from "react";

/** What a FormField hands its input: the id its label points at and the ARIA links to hint and error. */
export type FieldControl = {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
};

/**
 * A labelled input with its hint and its error right below it: the label is bound to the input by
 * `htmlFor`/`id`, `aria-describedby` names the hint and the error, `aria-invalid` is set while there
 * is an error. Plain markup, so server and client forms both use it.
 *
 * @example
 * <FormField id="field-reason" label={t("admin.billing.invoices.voidReason")} error={message}>
 *   {(control) => <input {...control} name="reason" />}
 * </FormField>
 */
export function FormField({
  id,
  label,
  hint,
  error,
  errorTestId,
  className = "field",
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** The message shown while the value is invalid; none (or empty) when it is valid. */
  error?: ReactNode;
  errorTestId?: string;
  className?: string;
  children: (control: FieldControl) => ReactNode;
}) {
  const invalid = error !== undefined && error !== null && error !== false && error !== "";
  const hintId = hint ? `${id}-hint` : null;
  const errorId = invalid ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": invalid, "aria-describedby": describedBy })}
      {hintId && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {errorId && (
        <p className="error field-error" id={errorId} role="alert" data-testid={errorTestId}>
          {error}
        </p>
      )}
    </div>
  );
}
