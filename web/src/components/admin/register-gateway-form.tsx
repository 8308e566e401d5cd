"use client";

import { registerGatewayAction } from "@/app/(admin)/admin/actions.ts";
import { t } from "@/messages/en.ts";
import { Field, fieldError, formError, useAction } from "./forms.tsx";

/** Register a gateway with its Ed25519 public key; errors appear at their fields. */
export function RegisterGatewayForm() {
  const [result, action, pending, values] = useAction(registerGatewayAction);
  const error = formError(result);
  return (
    <form action={action} className="stack-form" data-testid="register-gateway-form" noValidate>
      <Field
        name="gatewayId"
        label={t("admin.gateways.form.id")}
        hint={t("admin.gateways.form.idHint")}
        error={fieldError(result, "gatewayId")}
      >
        {(p) => (
          <input
            {...p}
            type="text"
            required
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            defaultValue={values.gatewayId ?? ""}
          />
        )}
      </Field>
      <Field
        name="publicKey"
        label={t("admin.gateways.form.key")}
        hint={t("admin.gateways.form.keyHint")}
        error={fieldError(result, "publicKey")}
      >
        {(p) => (
          <input
            {...p}
            type="text"
            required
            autoComplete="off"
            spellCheck={false}
            className="mono"
            defaultValue={values.publicKey ?? ""}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={pending} data-testid="register-gateway-submit">
          {pending ? t("admin.gateways.form.submitting") : t("admin.gateways.form.submit")}
        </button>
        <p className="status" role="status" aria-live="polite" data-testid="register-gateway-status">
          {result?.ok ? t("admin.gateways.form.done", { id: result.value.gatewayId }) : ""}
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
