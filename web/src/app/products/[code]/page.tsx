import type { Tariff } from "@c4e/domain";
import type { Metadata } from "next";
import { CatalogueHeader } from "@/components/catalogue/catalogue-header.tsx";
import { formatDate } from "@/lib/format.ts";
import { tariffSummary } from "@/lib/tariff-summary.ts";
import { t } from "@/messages/en.ts";
import { publicRetailerId, publishedProduct } from "@/server/public/catalogue.ts";
import { getServerContext } from "@/server/core/context.ts";
import { AppError } from "@/server/core/errors.ts";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: t("catalogue.pageTitle") };

/** One product of the public catalogue at its latest published version. */
export default async function ProductDetailsPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const { db, config } = getServerContext();
  let product;
  try {
    product = await publishedProduct(db, await publicRetailerId(db, config), code);
  } catch (error) {
    if (!(error instanceof AppError && error.code === "not_found")) throw error;
  }
  return (
    <>
      <CatalogueHeader />
      <main id="main" className="catalogue">
        <p>
          <a href="/products">‹ {t("catalogue.back")}</a>
        </p>
        {!product ? (
          <p className="empty" data-testid="not-found">
            {t("catalogue.notFound")}
          </p>
        ) : (
          <article className="card" data-testid="product-details" data-code={product.code}>
            <h1>{product.name}</h1>
            {product.description && <p className="wrap">{product.description}</p>}
            <h2>{t("catalogue.terms")}</h2>
            <ul className="terms" data-testid="catalogue-terms">
              {tariffSummary(product.tariff as Tariff).map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
            <p className="hint" data-testid="product-version">
              {t("catalogue.version", {
                version: product.version,
                date: formatDate(product.publishedAt, product.timeZone),
              })}
            </p>
            <div className="actions">
              <a
                className="button primary"
                href={`/switch/${encodeURIComponent(product.code)}`}
                data-testid="switch-link"
              >
                {t("catalogue.switch")}
              </a>
            </div>
          </article>
        )}
      </main>
    </>
  );
}
