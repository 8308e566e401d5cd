"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import {
  createCreditNoteAction,
  issueHeldInvoiceAction,
  issueInvoicesAction,
  startBillRunAction,
  voidInvoiceAction,
} from "@/app/(admin)/admin/actions.ts";
import {
  formatDateTime,
  formatInteger,
  formatLocalDate,
  formatMinorAmount,
  formatInstantRange,
  lastDayOf,
} from "@/lib/format.ts";
import { type MessageKey, t } from "@/messages/en.ts";
import type { JobView } from "@c4e/billing/jobs/queue";
import type { AdminBillRun, AdminInvoice, InvoiceHold } from "@/server/admin/billing.ts";
import { apiFetch } from "@/components/api.ts";
import { DataTable } from "./data-table.tsx";
import { Field, fieldError, formError, useAction } from "./forms.tsx";

type BillingData = { runs: AdminBillRun[]; invoices: AdminInvoice[]; jobs: JobView[] };

const LIVE_JOB_STATES: readonly string[] = ["created", "retry", "active"];

const kindKey = (kind: string) => `invoices.kind.${kind}` as MessageKey;
const statusKey = (status: string) =>
  (status === "draft" ? "admin.billing.invoices.draft" : `invoices.status.${status}`) as MessageKey;

function StatusLine({ text, error }: { text: string | null; error: string | null }) {
  if (error)
    return (
      <p className="error" role="alert" data-testid="billing-error">
        {error}
      </p>
    );
  return text ? (
    <p className="muted" role="status" data-testid="billing-status">
      {text}
    </p>
  ) : null;
}

function StartRunForm({ canWrite }: { canWrite: boolean }) {
  const [result, dispatch, pending, values] = useAction(startBillRunAction);
  useRefreshOnSuccess(result);
  const lastMonth = new Date(new Date().getFullYear(), new Date().getMonth() - 1, 15)
    .toISOString()
    .slice(0, 7);
  if (!canWrite) return null;
  return (
    <form action={dispatch} className="form-row" data-testid="start-run-form" noValidate>
      <Field name="period" label={t("admin.billing.run.period")} error={fieldError(result, "period")}>
        {(p) => <input {...p} type="month" defaultValue={values.period ?? lastMonth} required />}
      </Field>
      <button type="submit" disabled={pending} data-testid="start-run-submit">
        {t("admin.billing.run.start")}
      </button>
      <StatusLine
        text={result?.ok ? t("admin.billing.run.started", { period: result.value.period }) : null}
        error={formError(result)}
      />
    </form>
  );
}

/** Fetches the billing data again after a successful action. */
function useRefreshOnSuccess(result: { ok: boolean } | null) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (result?.ok) void queryClient.invalidateQueries({ queryKey: ["admin", "billing"] });
  }, [result, queryClient]);
}

function IssueButton({ ids, label, testId }: { ids: string[]; label: string; testId: string }) {
  const [result, dispatch, pending] = useAction(issueInvoicesAction);
  useRefreshOnSuccess(result);
  return (
    <form action={dispatch} className="inline">
      <input type="hidden" name="invoiceIds" value={ids.join(",")} />
      <button type="submit" className="small" disabled={pending || ids.length === 0} data-testid={testId}>
        {label}
      </button>
      <StatusLine
        text={result?.ok ? t("admin.billing.done.issue", { count: result.value.issued.length }) : null}
        error={formError(result)}
      />
    </form>
  );
}

function VoidForm({ invoiceId }: { invoiceId: string }) {
  const [open, setOpen] = useState(false);
  const [result, dispatch, pending, values] = useAction(voidInvoiceAction);
  useRefreshOnSuccess(result);
  if (result?.ok) return <StatusLine text={t("admin.billing.done.void")} error={null} />;
  if (!open)
    return (
      <button type="button" className="small" onClick={() => setOpen(true)} data-testid="void-open">
        {t("admin.billing.invoices.void")}
      </button>
    );
  return (
    <form action={dispatch} className="stack-form" data-testid="void-form" noValidate>
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <Field
        name="reason"
        label={t("admin.billing.invoices.voidReason")}
        error={fieldError(result, "reason")}
      >
        {(p) => <input {...p} defaultValue={values.reason ?? ""} maxLength={500} />}
      </Field>
      <button type="submit" className="small" disabled={pending} data-testid="void-submit">
        {t("admin.billing.invoices.void")}
      </button>
      <StatusLine text={null} error={formError(result)} />
    </form>
  );
}

/** A held draft's override: a reason, then issue (retailer admins; audited). */
function OverrideForm({ invoiceId }: { invoiceId: string }) {
  const [open, setOpen] = useState(false);
  const [result, dispatch, pending, values] = useAction(issueHeldInvoiceAction);
  useRefreshOnSuccess(result);
  if (result?.ok) return <StatusLine text={t("admin.billing.done.override", result.value)} error={null} />;
  if (!open)
    return (
      <button type="button" className="small" onClick={() => setOpen(true)} data-testid="override-open">
        {t("admin.billing.hold.override")}
      </button>
    );
  return (
    <form action={dispatch} className="stack-form" data-testid="override-form" noValidate>
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <Field
        name="reason"
        label={t("admin.billing.hold.overrideReason")}
        error={fieldError(result, "reason")}
      >
        {(p) => <input {...p} defaultValue={values.reason ?? ""} maxLength={500} required />}
      </Field>
      <button type="submit" className="small" disabled={pending} data-testid="override-submit">
        {t("admin.billing.hold.override")}
      </button>
      <StatusLine text={null} error={formError(result)} />
    </form>
  );
}

const isHeld = (i: AdminInvoice) => i.hold !== null && !i.hold.released;

/** "N of M intervals missing" and the first missing ranges, in the POD's time zone. */
function HoldDetails({
  hold,
  timeZone,
  canOverride,
}: {
  hold: InvoiceHold;
  timeZone: string;
  canOverride: boolean;
}) {
  const counts = {
    missing: formatInteger(hold.missing ?? 0),
    expected: formatInteger(hold.expected ?? 0),
  };
  if (hold.released)
    return (
      <p className="hint" data-testid="hold-released">
        {t("admin.billing.hold.released", counts)}
      </p>
    );
  return (
    <div className="hold" data-testid="hold">
      <p className="warn" data-testid="hold-summary">
        {t("admin.billing.hold.incomplete", counts)}
      </p>
      {hold.ranges.length > 0 && (
        <ul aria-label={t("admin.billing.hold.ranges")} data-testid="hold-ranges">
          {hold.ranges.map((r) => (
            <li key={r.start}>
              {t("admin.billing.hold.range", {
                range: formatInstantRange(r.start, r.end, timeZone),
                count: formatInteger(r.intervals),
              })}
            </li>
          ))}
          {hold.rangeCount > hold.ranges.length && (
            <li>{t("admin.billing.hold.more", { count: hold.rangeCount - hold.ranges.length })}</li>
          )}
        </ul>
      )}
      <p className="hint">{canOverride ? t("admin.billing.hold.hint") : t("admin.billing.hold.agentHint")}</p>
    </div>
  );
}

function CreditNoteButton({ invoiceId }: { invoiceId: string }) {
  const [result, dispatch, pending] = useAction(createCreditNoteAction);
  useRefreshOnSuccess(result);
  return (
    <form action={dispatch} className="inline">
      <input type="hidden" name="invoiceId" value={invoiceId} />
      <button type="submit" className="small" disabled={pending || result?.ok} data-testid="credit-note">
        {t("admin.billing.invoices.creditNote")}
      </button>
      <StatusLine text={result?.ok ? t("admin.billing.done.credit") : null} error={formError(result)} />
    </form>
  );
}

function Runs({ runs, canWrite }: { runs: AdminBillRun[]; canWrite: boolean }) {
  return (
    <DataTable
      caption={t("admin.billing.run.caption")}
      testId="bill-runs"
      rows={runs}
      rowKey={(r) => r.id}
      rowAttributes={(r) => ({ "data-testid": "bill-run-row", "data-period": r.period })}
      empty={t("admin.billing.run.empty")}
      columns={[
        { header: t("admin.billing.run.period"), cell: (r) => r.period },
        {
          header: t("admin.billing.run.status"),
          testId: "bill-run-status",
          cell: (r) =>
            r.running
              ? t("admin.billing.run.live")
              : (t(`admin.billing.run.status.${r.status}` as MessageKey) ?? r.status),
        },
        {
          header: t("admin.billing.run.progress"),
          testId: "bill-run-progress",
          cell: (r) => (
            <>
              {t("admin.billing.run.progressValue", {
                done: r.drafted + r.incomplete + r.failed,
                total: r.total,
                drafted: r.drafted,
                failed: r.failed,
                incomplete: r.incomplete,
              })}
              {r.incomplete > 0 && (
                <p className="notice run-hold" data-testid="bill-run-incomplete">
                  {t("admin.billing.run.incomplete", { count: r.incomplete })}
                </p>
              )}
              {r.failures.length > 0 && (
                <details>
                  <summary>{t("admin.billing.run.failures")}</summary>
                  <ul>
                    {r.failures.map((f) => (
                      <li key={f.podIdentifier} className="wrap">
                        <span className="mono">{f.podIdentifier}</span>: {f.error}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </>
          ),
        },
        {
          header: t("admin.billing.invoices.actions"),
          cell: (r) => (
            <span className="actions">
              <a href={`/api/admin/billing/runs/${r.id}/xlsx`} download data-testid="bill-run-xlsx">
                {t("admin.billing.run.xlsx")}
              </a>
              {canWrite && !r.running && r.drafted > 0 && <RunIssueButton runId={r.id} />}
            </span>
          ),
        },
      ]}
    />
  );
}

/** The platform queue's jobs: kind, state, live progress, times, error. */
function Jobs({ jobs }: { jobs: JobView[] }) {
  const time = (iso: string | null) => (iso ? formatDateTime(iso, "UTC") : "–");
  return (
    <DataTable
      caption={t("admin.billing.jobs.caption")}
      testId="jobs"
      rows={jobs}
      rowKey={(j) => j.id}
      rowAttributes={(j) => ({ "data-testid": "job-row", "data-kind": j.kind, "data-state": j.state })}
      empty={t("admin.billing.jobs.empty")}
      columns={[
        {
          header: t("admin.billing.jobs.id"),
          className: "mono",
          title: (j) => j.id,
          cell: (j) => j.id.slice(0, 8),
        },
        {
          header: t("admin.billing.jobs.kind"),
          cell: (j) => (
            <>
              {t(`admin.billing.jobs.kind.${j.kind}` as MessageKey)}
              {j.subject && <span className="muted"> {j.subject}</span>}
            </>
          ),
        },
        {
          header: t("admin.billing.jobs.state"),
          testId: "job-state",
          cell: (j) => (
            <>
              {t(`admin.billing.jobs.state.${j.state}` as MessageKey)}
              {j.retryCount > 0 && (
                <span className="muted">
                  {" "}
                  ({t("admin.billing.jobs.retries", { count: j.retryCount + 1 })})
                </span>
              )}
            </>
          ),
        },
        {
          header: t("admin.billing.jobs.progress"),
          testId: "job-progress",
          cell: (j) =>
            j.progress
              ? [
                  j.progress.total === undefined
                    ? formatInteger(j.progress.done)
                    : t("admin.billing.jobs.progressValue", {
                        done: formatInteger(j.progress.done),
                        total: formatInteger(j.progress.total),
                      }),
                  j.progress.failed
                    ? t("admin.billing.jobs.progressFailed", { failed: formatInteger(j.progress.failed) })
                    : null,
                ]
                  .filter(Boolean)
                  .join(" · ")
              : "–",
        },
        { header: t("admin.billing.jobs.started"), cell: (j) => time(j.startedAt) },
        { header: t("admin.billing.jobs.finished"), cell: (j) => time(j.finishedAt) },
        { header: t("admin.billing.jobs.error"), className: "wrap", cell: (j) => j.error ?? "" },
      ]}
    />
  );
}

/** Issues the run's drafts that are listed (the retailer's own). */
function RunIssueButton({ runId }: { runId: string }) {
  const data = useBillingData();
  const ids = (data.data?.invoices ?? [])
    // held drafts (incomplete data) are issued one by one, with a reason
    .filter((i) => i.billRunId === runId && i.status === "draft" && !isHeld(i))
    .map((i) => i.id);
  if (ids.length === 0) return null;
  return <IssueButton ids={ids} label={t("admin.billing.run.issueAll")} testId="issue-run" />;
}

function useBillingData(initial?: BillingData) {
  return useQuery({
    queryKey: ["admin", "billing"],
    queryFn: () => apiFetch<BillingData>("/api/admin/billing"),
    ...(initial ? { initialData: initial } : {}),
    // live progress while a run is billing or a job is queued or running; otherwise a slow refresh
    refetchInterval: (q) => {
      const d = q.state.data as BillingData | undefined;
      const live = d?.runs.some((r) => r.running) || d?.jobs.some((j) => LIVE_JOB_STATES.includes(j.state));
      return live ? 1_500 : 15_000;
    },
  });
}

/** The billing page: start a run (live progress), runs with xlsx export, invoices with their actions. */
export function BillingClient({
  initial,
  canWrite,
  canOverride,
}: {
  initial: BillingData;
  canWrite: boolean;
  canOverride: boolean;
}) {
  const query = useBillingData(initial);
  const data = query.data ?? initial;
  return (
    <>
      <section className="card" aria-labelledby="runs-title">
        <h2 id="runs-title">{t("admin.billing.run.title")}</h2>
        <p className="hint">{t("admin.billing.run.hint")}</p>
        <StartRunForm canWrite={canWrite} />
        <Runs runs={data.runs} canWrite={canWrite} />
      </section>
      <section className="card" aria-labelledby="jobs-title">
        <h2 id="jobs-title">{t("admin.billing.jobs.title")}</h2>
        <p className="hint">{t("admin.billing.jobs.hint")}</p>
        <Jobs jobs={data.jobs} />
      </section>
      <section className="card" aria-labelledby="invoices-title">
        <h2 id="invoices-title">{t("admin.billing.invoices.title")}</h2>
        <DataTable
          caption={t("admin.billing.invoices.caption")}
          testId="admin-invoices"
          rows={data.invoices}
          rowKey={(i) => i.id}
          rowAttributes={(i) => ({
            "data-testid": "admin-invoice-row",
            "data-status": i.status,
            "data-held": isHeld(i) ? "true" : undefined,
          })}
          empty={t("admin.billing.invoices.empty")}
          columns={[
            {
              header: t("admin.billing.invoices.number"),
              className: "mono",
              cell: (i) => (
                <>
                  {i.number ?? "—"}
                  {i.originalNumber && (
                    <span className="hint">
                      {" "}
                      {t("admin.billing.invoices.corrects", { number: i.originalNumber })}
                    </span>
                  )}
                </>
              ),
            },
            {
              header: t("admin.billing.invoices.customer"),
              cell: (i) => (
                <>
                  {i.customerName}
                  {i.podIdentifier && <span className="mono hint"> {i.podIdentifier}</span>}
                </>
              ),
            },
            { header: t("admin.billing.invoices.kind"), cell: (i) => t(kindKey(i.kind)) },
            {
              header: t("admin.billing.invoices.period"),
              cell: (i) => `${formatLocalDate(i.periodStart)} – ${formatLocalDate(lastDayOf(i.periodEnd))}`,
            },
            {
              header: t("admin.billing.invoices.total"),
              align: "number",
              cell: (i) => formatMinorAmount(i.totalMinor, i.minorUnitDigits, i.currency),
            },
            {
              header: t("admin.billing.invoices.status"),
              testId: "admin-invoice-status",
              cell: (i) => (
                <>
                  {t(statusKey(i.status))}
                  {i.hold && <HoldDetails hold={i.hold} timeZone={i.timeZone} canOverride={canOverride} />}
                </>
              ),
            },
            {
              header: t("admin.billing.invoices.actions"),
              cell: (i) => (
                <span className="actions">
                  <a
                    href={`/api/admin/billing/invoices/${i.id}/pdf`}
                    download
                    data-testid="admin-invoice-pdf"
                  >
                    {t("admin.billing.invoices.pdf")}
                  </a>
                  {canOverride && i.status === "draft" && isHeld(i) && <OverrideForm invoiceId={i.id} />}
                  {canWrite && i.status === "draft" && !isHeld(i) && (
                    <IssueButton
                      ids={[i.id]}
                      label={t("admin.billing.invoices.issue")}
                      testId="issue-invoice"
                    />
                  )}
                  {canWrite && i.status === "issued" && (
                    <>
                      <CreditNoteButton invoiceId={i.id} />
                      <VoidForm invoiceId={i.id} />
                    </>
                  )}
                </span>
              ),
            },
          ]}
        />
      </section>
    </>
  );
}
