import type { Metadata } from "next";
import { StaffHeader } from "@/components/admin/staff-header.tsx";
import { SwitchForm } from "@/components/switch/switch-form.tsx";
import { t } from "@/messages/en.ts";
import { publicRetailerId, publishedProduct } from "@/server/public/catalogue.ts";
import { getServerContext } from "@/server/core/context.ts";
import { AppError } from "@/server/core/errors.ts";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: t("admin.nav.switching") };

/** Step 1 of the switch: the product (latest published version) and the form. */
export default async function SwitchPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const { db, config } = getServerContext();
  let product;
  try {
    product = await publishedProduct(db, await publicRetailerId(db, config), decodeURIComponent(code));
  } catch (error) {
    if (!(error instanceof AppError && error.code === "not_found")) throw error;
  }
  return (
    <>
      <StaffHeader area={t("admin.nav.switching")} />
      <main id="main" className="dashboard">
        {!product ? (
          <section className="card" data-testid="not-found">
            <p className="empty">{t("switch.review.expired")}</p>
          </section>
        ) : (
          <>
            <div className="page-title">
              <h1>{t("switch.pageTitle", { product: product.name })}</h1>
              <span className="badge">{t("switch.product.version", { version: product.version })}</span>
            </div>
            <p>{t("switch.intro", { product: product.name })}</p>
            {product.description && <p className="muted">{product.description}</p>}
            <section className="card" aria-labelledby="switch-form-title">
              <h2 id="switch-form-title">{t("switch.form.title")}</h2>
              <SwitchForm code={product.code} />
            </section>
          </>
        )}
      </main>
    </>
  );
}
