import { t } from "@/messages/en.ts";

/** Header of the public catalogue pages: brand, the catalogue and the customer's own pages. */
export function CatalogueHeader() {
  return (
    <header className="app-header">
      <div className="brand">
        <a href="/products">{t("app.title")}</a>
      </div>
      <nav aria-label={t("catalogue.link")}>
        <a href="/products" data-testid="nav-catalogue">
          {t("catalogue.link")}
        </a>
        <a href="/prosumer">{t("catalogue.home")}</a>
      </nav>
    </header>
  );
}
