"use client";

import { useState } from "react";
import { t } from "@/messages/en.ts";

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/**
 * Download of the customer's own readings for a date range, as CSV or xlsx. A plain GET form: the
 * browser streams the attachment; the server scopes it to the session.
 */
export function ExportCard() {
  const [from, setFrom] = useState(daysAgo(7));
  const [to, setTo] = useState(today());
  const invalid = from !== "" && to !== "" && from > to;
  return (
    <section className="card" aria-labelledby="export-title" data-testid="export-card">
      <h2 id="export-title">{t("export.title")}</h2>
      <p className="hint">{t("export.hint")}</p>
      <form
        method="get"
        action="/api/prosumer/export"
        className="form-row"
        onSubmit={(e) => {
          if (invalid) e.preventDefault();
        }}
      >
        <label>
          {t("export.from")}
          <input type="date" name="from" required value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t("export.to")}
          <input
            type="date"
            name="to"
            required
            value={to}
            onChange={(e) => setTo(e.target.value)}
            aria-invalid={invalid}
            aria-describedby={invalid ? "export-range-error" : undefined}
          />
        </label>
        <label>
          {t("export.format")}
          <select name="format" defaultValue="xlsx">
            <option value="xlsx">{t("export.xlsx")}</option>
            <option value="csv">{t("export.csv")}</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={invalid} data-testid="export-download">
          {t("export.download")}
        </button>
      </form>
      {invalid && (
        <p className="error" role="alert" id="export-range-error">
          {t("export.invalidRange")}
        </p>
      )}
    </section>
  );
}
