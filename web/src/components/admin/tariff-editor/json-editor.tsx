"use client";

import type { Tariff } from "@c4e/domain";
import { useState } from "react";
import { t } from "@/messages/en.ts";

/** The tariff as JSON (the full model), applied to the form on demand; open while there are errors. */
export function TariffJsonEditor({
  json,
  setJson,
  apply,
  open,
}: {
  json: string;
  setJson: (json: string) => void;
  apply: (x: Tariff) => void;
  open: boolean;
}) {
  const [jsonError, setJsonError] = useState<string | null>(null);
  return (
    <details className="tariff-json" open={open ? true : undefined}>
      <summary>{t("admin.products.tariff.advanced")}</summary>
      <p className="hint">{t("admin.products.tariff.advancedHint")}</p>
      <label htmlFor="tariff-json" className="visually-hidden">
        {t("admin.products.tariff.advanced")}
      </label>
      <textarea
        id="tariff-json"
        rows={16}
        spellCheck={false}
        value={json}
        onChange={(e) => setJson(e.target.value)}
        aria-invalid={Boolean(jsonError)}
        data-testid="tariff-json"
      />
      <button
        type="button"
        onClick={() => {
          try {
            const parsed = JSON.parse(json) as Tariff;
            setJsonError(null);
            apply(parsed);
          } catch (e) {
            setJsonError(t("admin.products.tariff.jsonError", { message: (e as Error).message }));
          }
        }}
        data-testid="tariff-json-apply"
      >
        {t("admin.products.tariff.apply")}
      </button>
      {jsonError && (
        <p className="error" role="alert">
          {jsonError}
        </p>
      )}
    </details>
  );
}
