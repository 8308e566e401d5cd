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
              {products.length === 0 ? (
                <p className="empty">{t("admin.products.empty")}</p>
              ) : (
                <div className="table-scroll">
                  <table data-testid="product-table">
                    <thead>
                      <tr>
                        <th scope="col">{t("admin.products.code")}</th>
                        <th scope="col">{t("admin.products.name")}</th>
                        <th scope="col">{t("admin.products.status")}</th>
                        <th scope="col">{t("admin.products.latest")}</th>
                        <th scope="col" className="num">
                          {t("admin.products.contracts")}
                        </th>
                        <th scope="col">{t("admin.products.terms")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {products.map((p) => {
                        const latest = p.versions.find((v) => v.version === p.latestPublished);
                        return (
                          <tr key={p.id} data-testid="product-row" data-code={p.code}>
                            <td>
                              <a href={`/admin/products/${p.id}`}>{p.code}</a>
                            </td>
                            <td>{p.name}</td>
                            <td>
                              {p.archivedAt ? t("admin.products.archived") : t("admin.products.active")}
                              {p.draft !== null && (
                                <>
                                  {" · "}
                                  <span className="badge">
                                    {t("admin.products.hasDraft", { version: p.draft })}
                                  </span>
                                </>
                              )}
                            </td>
                            <td>
                              {p.latestPublished === null
                                ? t("admin.products.none")
                                : t("admin.products.version.label", { version: p.latestPublished })}
                            </td>
                            <td className="num">{p.contracts}</td>
                            <td>{latest ? tariffSummary(latest.tariff).join(" · ") : "—"}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              )}
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
