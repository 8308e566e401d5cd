"use client";

import {
  activateDueSwitchesAction,
  confirmSwitchAction,
  rejectSwitchAction,
  sendSwitchMessageAction,
  validateSwitchAction,
} from "@/app/(admin)/admin/switching/actions.ts";
import { t } from "@/messages/en.ts";
import type { ActionResult } from "@/server/core/action-result.ts";
import { Field, fieldError, formError, useAction } from "./forms.tsx";

function Outcome({ result, done }: { result: ActionResult<unknown> | null; done: string }) {
  const error = formError(result);
  return (
    <>
      <p className="status" role="status" aria-live="polite">
        {result?.ok ? done : ""}
      </p>
      {error && (
        <p className="error" role="alert" data-testid="switch-action-error">
          {error}
        </p>
      )}
    </>
  );
}

/** Re-run the checks and mark the request validated. */
export function ValidateForm({ requestId }: { requestId: string }) {
  const [result, action, pending] = useAction(validateSwitchAction);
  return (
    <form action={action} className="form-row" data-testid="validate-form">
      <input type="hidden" name="requestId" value={requestId} />
      <button type="submit" className="primary" disabled={pending} data-testid="switch-validate">
        {t("admin.switching.validate")}
      </button>
      <Outcome result={result} done={t("admin.switching.validate.done")} />
    </form>
  );
}

/** Reject with a reason. */
export function RejectForm({ requestId }: { requestId: string }) {
  const [result, action, pending, values] = useAction(rejectSwitchAction);
  return (
    <form action={action} className="stack-form" data-testid="reject-form" noValidate>
      <input type="hidden" name="requestId" value={requestId} />
      <Field name="reason" label={t("admin.switching.reject.reason")} error={fieldError(result, "reason")}>
        {(p) => <textarea {...p} rows={2} maxLength={500} required defaultValue={values.reason ?? ""} />}
      </Field>
      <div className="actions">
        <button type="submit" disabled={pending} data-testid="switch-reject">
          {t("admin.switching.reject")}
        </button>
        <Outcome result={result} done={t("admin.switching.reject.done")} />
      </div>
    </form>
  );
}

/** Produce the switch request message for a distributor. */
export function SendMessageForm({
  requestId,
  distributors,
}: {
  requestId: string;
  distributors: { id: string; code: string; name: string }[];
}) {
  const [result, action, pending] = useAction(sendSwitchMessageAction);
  return (
    <form action={action} className="stack-form" data-testid="send-form" noValidate>
      <input type="hidden" name="requestId" value={requestId} />
      <Field
        name="distributorId"
        label={t("admin.switching.send.distributor")}
        error={fieldError(result, "distributorId")}
      >
        {(p) => (
          <select {...p} defaultValue={distributors[0]?.id ?? ""}>
            {distributors.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.code})
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={pending} data-testid="switch-send">
          {t("admin.switching.send")}
        </button>
        <Outcome result={result} done={t("admin.switching.send.done")} />
      </div>
    </form>
  );
}

/** Record the distributor's confirmation and the effective date. */
export function ConfirmForm({ requestId, desiredStart }: { requestId: string; desiredStart: string }) {
  const [result, action, pending, values] = useAction(confirmSwitchAction);
  return (
    <form action={action} className="stack-form" data-testid="confirm-form" noValidate>
      <input type="hidden" name="requestId" value={requestId} />
      <Field
        name="effectiveDate"
        label={t("admin.switching.confirm.date")}
        error={fieldError(result, "effectiveDate")}
      >
        {(p) => <input {...p} type="date" required defaultValue={values.effectiveDate ?? desiredStart} />}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={pending} data-testid="switch-confirm">
          {t("admin.switching.confirm")}
        </button>
        <Outcome result={result} done={t("admin.switching.confirm.done")} />
      </div>
    </form>
  );
}

/** Activate the confirmed requests whose effective date has come. */
export function ActivateDueForm() {
  const [result, action, pending] = useAction(activateDueSwitchesAction);
  return (
    <form action={action} className="form-row" data-testid="activate-due-form">
      <button type="submit" disabled={pending} data-testid="switch-activate-due">
        {t("admin.switching.activateDue")}
      </button>
      <p className="status" role="status" aria-live="polite">
        {result?.ok ? t("admin.switching.activateDue.done", { count: result.value.activated.length }) : ""}
      </p>
      {result?.ok && result.value.failed.length > 0 && (
        <p className="error" role="alert">
          {t("admin.switching.activateDue.failed", {
            list: result.value.failed.map((f) => `${f.reference}: ${f.reason}`).join("; "),
          })}
        </p>
      )}
      {formError(result) && (
        <p className="error" role="alert">
          {formError(result)}
        </p>
      )}
    </form>
  );
}
