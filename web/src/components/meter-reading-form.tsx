"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { reportMeterReadingAction } from "@/app/(prosumer)/prosumer/actions.ts";
import type { CustomerBilling } from "@/lib/api-types.ts";
import { formatDateTime, formatDecimalText, formatLocalDate } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { Field, fieldError, formError, useAction } from "@/components/admin/forms.tsx";

type Pod = CustomerBilling["contracts"][number]["pods"][number];

/**
 * Report a meter reading for one of the customer's PODs, and the readings reported so far. The
 * server checks everything (date, supply period, neighbours, plausibility); errors appear at their
 * field and keep what was typed.
 */
export function MeterReadings({ billing, timeZone }: { billing: CustomerBilling; timeZone: string }) {
  const pods: Pod[] = billing.contracts.flatMap((c) => c.pods);
  const [result, action, pending, values] = useAction(reportMeterReadingAction);
  const queryClient = useQueryClient();
  const error = formError(result);
  useEffect(() => {
    if (result?.ok) void queryClient.invalidateQueries({ queryKey: ["prosumer", "invoices"] });
  }, [result, queryClient]);
  const today = new Date().toLocaleDateString("en-CA");
  return (
    <>
      <h3 id="meter-reading-title">{t("meterReading.title")}</h3>
      {pods.length === 0 ? (
        <p className="empty">{t("meterReading.noPods")}</p>
      ) : (
        <form
          action={action}
          className="stack-form"
          data-testid="meter-reading-form"
          aria-labelledby="meter-reading-title"
          noValidate
        >
          <p className="hint">{t("meterReading.hint")}</p>
          <Field name="podId" label={t("meterReading.pod")} error={fieldError(result, "podId")}>
            {(p) => (
              <select {...p} defaultValue={values.podId ?? pods[0]?.id} key={values.podId ?? "default"}>
                {pods.map((pod) => (
                  <option key={pod.id} value={pod.id}>
                    {pod.identifier} · {pod.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="date" label={t("meterReading.date")} error={fieldError(result, "date")}>
            {(p) => <input {...p} type="date" required max={today} defaultValue={values.date ?? today} />}
          </Field>
          <Field
            name="kwh"
            label={t("meterReading.kwh")}
            hint={t("meterReading.kwhHint")}
            error={fieldError(result, "kwh")}
          >
            {(p) => (
              <input
                {...p}
                type="text"
                inputMode="decimal"
                required
                autoComplete="off"
                defaultValue={values.kwh ?? ""}
              />
            )}
          </Field>
          <div className="actions">
            <button type="submit" className="primary" disabled={pending} data-testid="meter-reading-submit">
              {pending ? t("meterReading.submitting") : t("meterReading.submit")}
            </button>
            <p className="status" role="status" aria-live="polite" data-testid="meter-reading-status">
              {result?.ok
                ? t("meterReading.done", {
                    kwh: formatDecimalText(result.value.kwh),
                    date: formatLocalDate(result.value.date),
                  })
                : ""}
            </p>
          </div>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
      <h3>{t("meterReading.list")}</h3>
      {billing.meterReadings.length === 0 ? (
        <p className="empty">{t("meterReading.listEmpty")}</p>
      ) : (
        <div className="table-scroll">
          <table className="rewards" data-testid="meter-readings">
            <caption className="visually-hidden">{t("meterReading.listCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("meterReading.pod")}</th>
                <th scope="col">{t("meterReading.date")}</th>
                <th scope="col" className="num">
                  {t("meterReading.kwh")}
                </th>
                <th scope="col">{t("meterReading.reportedAt")}</th>
                <th scope="col">{t("meterReading.status")}</th>
              </tr>
            </thead>
            <tbody>
              {billing.meterReadings.map((r) => (
                <tr key={`${r.podId}-${r.date}`} data-testid="meter-reading-row">
                  <td className="mono" data-label={t("meterReading.pod")}>
                    {r.podIdentifier}
                  </td>
                  <td data-label={t("meterReading.date")}>{formatLocalDate(r.date)}</td>
                  <td className="num" data-label={t("meterReading.kwh")}>
                    {formatDecimalText(r.kwh)}
                  </td>
                  <td data-label={t("meterReading.reportedAt")}>{formatDateTime(r.reportedAt, timeZone)}</td>
                  <td data-label={t("meterReading.status")} data-testid="meter-reading-status">
                    <span className="badge">{t(`meterReading.status.${r.status}`)}</span>
                    {r.status === "rejected" && r.rejectReason && (
                      <span className="hint wrap">
                        {" "}
                        {t("meterReading.rejectReason", { reason: r.rejectReason })}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
