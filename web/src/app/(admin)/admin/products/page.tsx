import { DataTable } from "@/components/admin/data-table.tsx";
import { AdminShell } from "@/components/admin/admin-shell.tsx";
import { CreateProductForm } from "@/components/admin/product-forms.tsx";
import { tariffSummary } from "@/lib/tariff-summary.ts";
import { t } from "@/messages/en.ts";
import { listProducts } from "@/server/admin/products.ts";
import { adminPageAccess } from "@/server/admin/page.ts";
import { isAllowed } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";

export const dynamic = "force-dynamic";

/** The retailer's products: status, latest published version, draft, contracts and terms. */
export default async function ProductsPage() {
  const access = await adminPageAccess("product.read");
  return (
    <AdminShell access={access} section="products" path="/admin/products">
      {async ({ scope, session }) => {
        const products = await listProducts(getServerContext().db, scope);
        const canWrite = isAllowed(session.role, "product.write");
        return (
          <>
            <div className="page-title">
              <h1>{t("admin.products.title")}</h1>
            </div>
            <section className="card" aria-labelledby="products-caption">
              <h2 id="products-caption">{t("admin.products.caption")}</h2>
              <DataTable
                caption={t("admin.products.caption")}
                layout="plain"
                testId="product-table"
                rows={products}
                rowKey={(p) => p.id}
                rowAttributes={(p) => ({ "data-testid": "product-row", "data-code": p.code })}
                empty={t("admin.products.empty")}
                columns={[
                  {
                    header: t("admin.products.code"),
                    cell: (p) => <a href={`/admin/products/${p.id}`}>{p.code}</a>,
                  },
                  { header: t("admin.products.name"), cell: (p) => p.name },
                  {
                    header: t("admin.products.status"),
                    cell: (p) => (
                      <>
                        {p.archivedAt ? t("admin.products.archived") : t("admin.products.active")}
                        {p.draft !== null && (
                          <>
                            {" · "}
                            <span className="badge">
                              {t("admin.products.hasDraft", { version: p.draft })}
                            </span>
                          </>
                        )}
                      </>
                    ),
                  },
                  {
                    header: t("admin.products.latest"),
                    cell: (p) =>
                      p.latestPublished === null
                        ? t("admin.products.none")
                        : t("admin.products.version.label", { version: p.latestPublished }),
                  },
                  { header: t("admin.products.contracts"), align: "number", cell: (p) => p.contracts },
                  {
                    header: t("admin.products.terms"),
                    cell: (p) => {
                      const latest = p.versions.find((v) => v.version === p.latestPublished);
                      return latest ? tariffSummary(latest.tariff).join(" · ") : "—";
                    },
                  },
                ]}
              />
            </section>
            {canWrite ? (
              <section className="card" aria-labelledby="create-product">
                <h2 id="create-product">{t("admin.products.create.title")}</h2>
                <CreateProductForm />
              </section>
            ) : (
              <p className="hint">{t("admin.products.readOnly")}</p>
            )}
          </>
        );
      }}
    </AdminShell>
  );
}
