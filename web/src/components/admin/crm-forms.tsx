"use client";

import { addLeadNoteAction, changeLeadStageAction, createLeadAction } from "@/app/(admin)/admin/actions.ts";
import { t } from "@/messages/en.ts";
import { CRM_NOTE_KINDS, CRM_STAGES, type CrmStage } from "@/server/admin/crm-stages.ts";
import { Field, fieldError, formError, useAction } from "./forms.tsx";

/** New lead: name, e-mail, phone, kind. */
export function CreateLeadForm() {
  const [result, action, pending, values] = useAction(createLeadAction);
  const error = formError(result);
  return (
    <form action={action} className="stack-form" data-testid="create-lead-form" noValidate>
      <Field name="name" label={t("admin.crm.name")} error={fieldError(result, "name")}>
        {(p) => (
          <input
            {...p}
            type="text"
            required
            maxLength={200}
            autoComplete="off"
            defaultValue={values.name ?? ""}
          />
        )}
      </Field>
      <Field name="email" label={t("admin.crm.email")} error={fieldError(result, "email")}>
        {(p) => (
          <input {...p} type="email" maxLength={200} autoComplete="off" defaultValue={values.email ?? ""} />
        )}
      </Field>
      <Field name="phone" label={t("admin.crm.phone")} error={fieldError(result, "phone")}>
        {(p) => (
          <input {...p} type="tel" maxLength={40} autoComplete="off" defaultValue={values.phone ?? ""} />
        )}
      </Field>
      <Field name="kind" label={t("admin.crm.kind")} error={fieldError(result, "kind")}>
        {(p) => (
          <select {...p} defaultValue="retail">
            <option value="retail">{t("admin.crm.kind.retail")}</option>
            <option value="b2b">{t("admin.crm.kind.b2b")}</option>
          </select>
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={pending} data-testid="create-lead-submit">
          {t("admin.crm.create.submit")}
        </button>
        <p className="status" role="status" aria-live="polite">
          {result?.ok ? t("admin.crm.create.done") : ""}
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

/** Move a lead to another stage. */
export function StageForm({ leadId, stage }: { leadId: string; stage: CrmStage }) {
  const [result, action, pending] = useAction(changeLeadStageAction);
  const error = formError(result);
  return (
    <form action={action} className="form-row" data-testid="stage-form">
      <input type="hidden" name="leadId" value={leadId} />
      <Field name="stage" label={t("admin.crm.lead.changeStage")} error={fieldError(result, "stage")}>
        {(p) => (
          <select {...p} defaultValue={stage} key={stage}>
            {CRM_STAGES.map((s) => (
              <option key={s} value={s}>
                {t(`admin.crm.stage.${s}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" disabled={pending}>
        {t("admin.crm.lead.saveStage")}
      </button>
      <p className="status" role="status" aria-live="polite">
        {result?.ok ? t("admin.crm.lead.stageSaved") : ""}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** Add a note, call, e-mail or meeting to a lead. */
export function NoteForm({ leadId }: { leadId: string }) {
  const [result, action, pending, values] = useAction(addLeadNoteAction);
  const error = formError(result);
  return (
    <form action={action} className="stack-form" data-testid="note-form" noValidate>
      <input type="hidden" name="leadId" value={leadId} />
      <Field name="kind" label={t("admin.crm.lead.noteKind")} error={fieldError(result, "kind")}>
        {(p) => (
          <select {...p} defaultValue="note">
            {CRM_NOTE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`admin.crm.activity.${k}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field name="body" label={t("admin.crm.lead.noteBody")} error={fieldError(result, "body")}>
        {(p) => <textarea {...p} rows={3} maxLength={4000} required defaultValue={values.body ?? ""} />}
      </Field>
      <div className="actions">
        <button type="submit" disabled={pending}>
          {t("admin.crm.lead.saveNote")}
        </button>
        <p className="status" role="status" aria-live="polite">
          {result?.ok ? t("admin.crm.lead.noteSaved") : ""}
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
