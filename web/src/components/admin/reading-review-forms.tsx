"use client";

import { acceptReadingReportAction, rejectReadingReportAction } from "@/app/(admin)/admin/actions.ts";
import { t } from "@/messages/en.ts";
import { FormField } from "./form-field.tsx";
import { fieldError, formError, useAction } from "./forms.tsx";

/**
 * The review of one pending reported reading: accept it as settlement reading, or reject it with a
 * reason. Ids carry the report id (several reports share the page).
 */
export function ReadingReviewForms({ reportId }: { reportId: string }) {
  const [accepted, accept, accepting] = useAction(acceptReadingReportAction);
  const [rejected, reject, rejecting, values] = useAction(rejectReadingReportAction);
  const acceptError = fieldError(accepted, "reportId");
  const rejectError = fieldError(rejected, "reason") ?? fieldError(rejected, "reportId");
  const generic = formError(accepted) ?? formError(rejected);
  return (
    <div className="review" data-testid={`review-${reportId}`}>
      <form action={accept} className="form-row">
        <input type="hidden" name="reportId" value={reportId} />
        <button type="submit" className="primary" disabled={accepting} data-testid="review-accept">
          {t("admin.pods.review.accept")}
        </button>
        <p className="status" role="status" aria-live="polite">
          {accepted?.ok ? t("admin.pods.review.accepted") : ""}
        </p>
        {acceptError && (
          <p className="error" role="alert" data-testid="review-accept-error">
            {t(acceptError)}
          </p>
        )}
      </form>
      <form action={reject} className="form-row" noValidate>
        <input type="hidden" name="reportId" value={reportId} />
        <FormField
          id={`reason-${reportId}`}
          label={t("admin.pods.review.reason")}
          error={rejectError && t(rejectError)}
        >
          {(control) => (
            <input
              {...control}
              name="reason"
              type="text"
              maxLength={500}
              required
              defaultValue={values.reason ?? ""}
            />
          )}
        </FormField>
        <button type="submit" disabled={rejecting} data-testid="review-reject">
          {t("admin.pods.review.reject")}
        </button>
        <p className="status" role="status" aria-live="polite">
          {rejected?.ok ? t("admin.pods.review.rejected") : ""}
        </p>
      </form>
      {generic && (
        <p className="error" role="alert">
          {generic}
        </p>
      )}
    </div>
  );
}
