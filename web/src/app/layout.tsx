import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { LOCALE, t } from "@/messages/en.ts";
import "./globals.css";

export const metadata: Metadata = {
  title: t("app.title"),
  description: t("app.description"),
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang={LOCALE}>
      <body>
        <a className="skip-link" href="#main">
          {t("app.skipToContent")}
        </a>
        {children}
      </body>
    </html>
  );
}
