import { EmptyState } from "@/components/admin/empty-state.tsx";
import { DataTable } from "@/components/admin/data-table.tsx";
import { AdminShell } from "@/components/admin/admin-shell.tsx";
import {
  ArchiveButton,
  DiscardDraftButton,
  PublishButton,
  StartDraftButton,
} from "@/components/admin/product-forms.tsx";
import { DraftEditor } from "@/components/admin/tariff-editor.tsx";
import { formatInstant } from "@/lib/format.ts";
import { tariffSummary } from "@/lib/tariff-summary.ts";
import { t } from "@/messages/en.ts";
import { getProduct } from "@/server/admin/products.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { isAllowed } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { AppError } from "@/server/core/errors.ts";

export const dynamic = "force-dynamic";

/** One product: its draft (edit, publish, discard) or a new draft, and every version with its terms. */
export default async function ProductPage({ params }: { params: Promise<{ productId: string }> }) {
  const { productId } = await params;
  const access = await adminPageAccess("product.read");
  return (
    <AdminShell access={access} section="products" path={`/admin/products/${encodeURIComponent(productId)}`}>
      {async ({ scope, session, timeZone }) => {
        let product;
        try {
          product = await getProduct(getServerContext().db, scope, productId);
        } catch (error) {
          if (error instanceof AppError && error.code === "not_found")
            return <EmptyState message={t("admin.notFound")} testId="not-found" />;
          throw error;
        }
        const canWrite = isAllowed(session.role, "product.write");
        const draft = product.versions.find((v) => v.status === "draft");
        return (
          <>
            <p>
              <a href="/admin/products">‹ {t("admin.back")}</a>
            </p>
            <div className="page-title">
              <h1>{t("admin.products.product.title", { code: product.code })}</h1>
              <span className="badge" data-testid="product-status">
                {product.archivedAt ? t("admin.products.archived") : t("admin.products.active")}
              </span>
            </div>
            <section className="card" aria-labelledby="product-details">
              <h2 id="product-details">{product.name}</h2>
              {product.description && <p className="wrap">{product.description}</p>}
              <dl className="facts">
                <dt>{t("admin.products.currency")}</dt>
                <dd>{product.currency}</dd>
                <dt>{t("admin.products.latest")}</dt>
                <dd>
                  {product.latestPublished === null
                    ? t("admin.products.none")
                    : t("admin.products.version.label", { version: product.latestPublished })}
                </dd>
                <dt>{t("admin.products.contracts")}</dt>
                <dd>{product.contracts}</dd>
              </dl>
              {canWrite && (
                <>
                  <ArchiveButton productId={product.id} archived={product.archivedAt !== null} />
                  <p className="hint">{t("admin.products.archiveHint")}</p>
                </>
              )}
            </section>
            {canWrite && (
              <section className="card" aria-labelledby="draft-title" data-testid="draft-card">
                {draft ? (
                  <>
                    <h2 id="draft-title">{t("admin.products.draft.title", { version: draft.version })}</h2>
                    <DraftEditor
                      key={draft.version}
                      productId={product.id}
                      version={draft.version}
                      name={draft.name}
                      description={draft.description}
                      tariff={draft.tariff}
                    />
                    <p className="hint">{t("admin.products.draft.publishHint")}</p>
                    <div className="actions">
                      <PublishButton productId={product.id} version={draft.version} />
                      {product.latestPublished !== null && <DiscardDraftButton productId={product.id} />}
                    </div>
                  </>
                ) : (
                  <>
                    <h2 id="draft-title">{t("admin.products.draft.start")}</h2>
                    <p className="hint">{t("admin.products.draft.none")}</p>
                    <StartDraftButton productId={product.id} />
                  </>
                )}
              </section>
            )}
            <section className="card" aria-labelledby="versions-title">
              <h2 id="versions-title">{t("admin.products.versions.title")}</h2>
              <p className="hint">{t("admin.products.versions.caption")}</p>
              <DataTable
                caption={t("admin.products.versions.title")}
                layout="plain"
                testId="version-table"
                rows={product.versions}
                rowKey={(v) => v.version}
                rowAttributes={(v) => ({
                  "data-testid": "version-row",
                  "data-version": String(v.version),
                  "data-status": v.status,
                })}
                empty={t("admin.products.none")}
                columns={[
                  {
                    header: t("admin.products.version"),
                    cell: (v) => (
                      <>
                        {t("admin.products.version.label", { version: v.version })}
                        <br />
                        <span className="muted">{v.name}</span>
                      </>
                    ),
                  },
                  { header: t("admin.products.status"), cell: (v) => t(`admin.products.status.${v.status}`) },
                  {
                    header: t("admin.products.published"),
                    cell: (v) => (v.publishedAt ? formatInstant(v.publishedAt, timeZone) : "—"),
                  },
                  {
                    header: t("admin.products.contracts"),
                    align: "number",
                    testId: "version-contracts",
                    cell: (v) => v.contracts,
                  },
                  {
                    header: t("admin.products.terms"),
                    cell: (v) => (
                      <ul className="terms" data-testid="version-terms">
                        {tariffSummary(v.tariff).map((line, i) => (
                          <li key={i}>{line}</li>
                        ))}
                      </ul>
                    ),
                  },
                ]}
              />
            </section>
          </>
        );
      }}
    </AdminShell>
  );
}
