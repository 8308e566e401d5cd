import type { Metadata } from "next";
import { StaffHeader } from "@/components/admin/staff-header.tsx";
import { type DraftTypedData, SignAgreement } from "@/components/switch/sign-agreement.tsx";
import { formatInteger, formatLocalDate } from "@/lib/format.ts";
import { t } from "@/messages/en.ts";
import { getServerContext } from "@/server/core/context.ts";
import { AppError } from "@/server/core/errors.ts";
import { draftTypedData, getSwitchDraft } from "@/server/switch/public.ts";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: t("switch.review.title") };

/** Step 2: the contract preview (summary + PDF) and the agreement (wallet, typed name, EIP-712). */
export default async function ReviewPage({ params }: { params: Promise<{ draftId: string }> }) {
  const { draftId } = await params;
  const { db, config } = getServerContext();
  let draft;
  try {
    draft = await getSwitchDraft(db, draftId);
  } catch (error) {
    if (!(error instanceof AppError && error.code === "not_found")) throw error;
  }
  if (!draft)
    return (
      <>
        <StaffHeader area={t("admin.nav.switching")} />
        <main id="main" className="dashboard">
          <section className="card" data-testid="not-found">
            <p className="empty">{t("switch.review.expired")}</p>
          </section>
        </main>
      </>
    );
  const typed = draftTypedData(draft, config.chainId, draft.fullName);
  const { fullName: _name, ...message } = typed.message;
  const typedData: DraftTypedData = { domain: typed.domain, types: typed.types, message };
  const pod = draft.document.pointOfDelivery;
  return (
    <>
      <StaffHeader area={t("admin.nav.switching")} />
      <main id="main" className="dashboard">
        <div className="page-title">
          <h1>{t("switch.review.title")}</h1>
          <span className="badge">{draft.reference}</span>
        </div>
        <p>{t("switch.review.intro", { days: draft.document.withdrawalDays })}</p>
        <div className="grid">
          <section className="card" aria-labelledby="contract-summary">
            <h2 id="contract-summary">{t("switch.pageTitle", { product: draft.productName })}</h2>
            <dl className="facts" data-testid="contract-summary">
              <dt>{t("switch.review.reference")}</dt>
              <dd>{draft.reference}</dd>
              <dt>{t("switch.requests.product")}</dt>
              <dd>
                {draft.productName} ({draft.productCode},{" "}
                {t("switch.product.version", { version: draft.productVersion })})
              </dd>
              <dt>{t("switch.form.podIdentifier")}</dt>
              <dd className="mono">{draft.podIdentifier}</dd>
              <dt>{t("switch.form.supplyAddress")}</dt>
              <dd>{pod.supplyAddress}</dd>
              <dt>{t("switch.form.currentSupplier")}</dt>
              <dd>{pod.currentSupplier}</dd>
              <dt>{t("switch.form.meterNumber")}</dt>
              <dd>{pod.meterNumber}</dd>
              <dt>{t("switch.form.meteringKind")}</dt>
              <dd data-testid="metering-kind">{t(`switch.meteringKind.${draft.meteringKind}`)}</dd>
              <dt>{t("switch.form.annualConsumptionKwh")}</dt>
              <dd>{formatInteger(pod.annualConsumptionKwh)}</dd>
              <dt>{t("switch.form.desiredStart")}</dt>
              <dd>{formatLocalDate(draft.desiredStart)}</dd>
              <dt>{t("switch.form.fullName")}</dt>
              <dd>{draft.fullName}</dd>
              <dt>{t("switch.review.hash")}</dt>
              <dd className="mono wrap" data-testid="contract-hash">
                {draft.contractHash}
              </dd>
            </dl>
            <p>
              <a href={`/api/switch/drafts/${draft.id}/pdf`} data-testid="contract-pdf" download>
                {t("switch.review.pdf")}
              </a>
            </p>
          </section>
          <section className="card" aria-labelledby="sign-title">
            <h2 id="sign-title">{t("switch.sign.title")}</h2>
            <p>{t("switch.sign.intro")}</p>
            <p className="hint">{t("switch.sign.fullName.hint", { name: draft.fullName })}</p>
            <SignAgreement draftId={draft.id} typedData={typedData} />
          </section>
        </div>
      </main>
    </>
  );
}
