import type { Metadata } from "next";
import { CatalogueHeader } from "@/components/catalogue/catalogue-header.tsx";
import { tariffSummary } from "@/lib/tariff-summary.ts";
import { t } from "@/messages/en.ts";
import { publicRetailerId, publishedProducts } from "@/server/public/catalogue.ts";
import { getServerContext } from "@/server/core/context.ts";
import { AppError } from "@/server/core/errors.ts";
import type { Tariff } from "@c4e/domain";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: t("catalogue.pageTitle") };

/** The public catalogue (no sign-in): the public retailer's published, non-archived products. */
export default async function CataloguePage() {
  const { db, config } = getServerContext();
  const products = await publicRetailerId(db, config).then(
    (retailerId) => publishedProducts(db, retailerId),
    // no (single) public retailer configured: an empty catalogue, not an error page
    (error: unknown) => {
      if (error instanceof AppError && error.code === "not_found") return [];
      throw error;
    },
  );
  return (
    <>
      <CatalogueHeader />
      <main id="main" className="catalogue">
        <h1>{t("catalogue.title")}</h1>
        <p className="hint">{t("catalogue.intro")}</p>
        {products.length === 0 ? (
          <p className="empty">{t("catalogue.empty")}</p>
        ) : (
          <ul className="product-list" data-testid="catalogue">
            {products.map((p) => (
              <li key={p.productId}>
                <article className="card" data-testid="catalogue-product" data-code={p.code}>
                  <h2>
                    <a href={`/products/${encodeURIComponent(p.code)}`}>{p.name}</a>
                  </h2>
                  {p.description && <p>{p.description}</p>}
                  <ul className="terms" data-testid="catalogue-terms">
                    {tariffSummary(p.tariff as Tariff).map((line, i) => (
                      <li key={i}>{line}</li>
                    ))}
                  </ul>
                  <div className="actions">
                    <a
                      href={`/products/${encodeURIComponent(p.code)}`}
                      aria-label={t("catalogue.details", { name: p.name })}
                    >
                      {t("catalogue.details", { name: p.name })}
                    </a>
                    <a
                      className="button primary"
                      href={`/switch/${encodeURIComponent(p.code)}`}
                      data-testid="switch-link"
                    >
                      {t("catalogue.switch")}
                    </a>
                  </div>
                </article>
              </li>
            ))}
          </ul>
        )}
      </main>
    </>
  );
}
