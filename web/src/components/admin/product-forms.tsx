"use client";

import {
  createProductAction,
  discardDraftAction,
  publishDraftAction,
  setArchivedAction,
  startDraftAction,
} from "@/app/(admin)/admin/products/actions.ts";
import { ISO_4217_MINOR_UNITS } from "@c4e/domain/iso-4217";
import { t } from "@/messages/en.ts";
import type { ActionResult } from "@/server/core/action-result.ts";
import { Field, fieldError, formError, useAction } from "./forms.tsx";

/** Every active ISO 4217 currency the engine bills in, the platform's usual ones first. */
const USUAL = ["EUR", "CHF", "HUF", "CZK", "CNY", "USD", "GBP", "DKK", "SEK", "NOK", "PLN"];
const CURRENCIES = [
  ...USUAL,
  ...Object.keys(ISO_4217_MINOR_UNITS)
    .filter((c) => !USUAL.includes(c))
    .sort(),
];

/** A refusal of the whole form (a field error on "form", or the generic message). */
function FormError({ result }: { result: ActionResult<unknown> | null }) {
  const key = fieldError(result, "form");
  const text = key ? t(key) : formError(result);
  if (!text) return null;
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

/** New product: code, name, description, currency (first draft version 1). */
export function CreateProductForm() {
  const [result, action, pending, values] = useAction(createProductAction);
  return (
    <form action={action} className="stack-form" data-testid="create-product-form" noValidate>
      <p className="hint">{t("admin.products.create.hint")}</p>
      <Field
        name="code"
        label={t("admin.products.code")}
        hint={t("admin.products.create.codeHint")}
        error={fieldError(result, "code")}
      >
        {(p) => (
          <input
            {...p}
            type="text"
            maxLength={40}
            required
            autoComplete="off"
            defaultValue={values.code ?? ""}
          />
        )}
      </Field>
      <Field name="name" label={t("admin.products.name")} error={fieldError(result, "name")}>
        {(p) => (
          <input
            {...p}
            type="text"
            maxLength={120}
            required
            autoComplete="off"
            defaultValue={values.name ?? ""}
          />
        )}
      </Field>
      <Field
        name="description"
        label={t("admin.products.description")}
        error={fieldError(result, "description")}
      >
        {(p) => <textarea {...p} rows={2} maxLength={2000} defaultValue={values.description ?? ""} />}
      </Field>
      <Field name="currency" label={t("admin.products.currency")} error={fieldError(result, "currency")}>
        {(p) => (
          <select {...p} defaultValue={values.currency ?? "EUR"}>
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={pending} data-testid="create-product-submit">
          {t("admin.products.create.submit")}
        </button>
        <p className="status" role="status" aria-live="polite">
          {result?.ok ? t("admin.products.create.done") : ""}
        </p>
      </div>
      {result?.ok && (
        <p>
          <a href={`/admin/products/${result.value.productId}`} data-testid="created-product-link">
            {t("admin.products.open", { code: values.code ?? "" })}
          </a>
        </p>
      )}
      <FormError result={result} />
    </form>
  );
}

type VersionAction = typeof publishDraftAction;

/** One button posting the product id to an action, with its status and refusal. */
function ProductButton({
  action: serverAction,
  productId,
  label,
  done,
  testId,
  primary,
  extra,
}: {
  action: VersionAction | typeof setArchivedAction;
  productId: string;
  label: string;
  done: string;
  testId: string;
  primary?: boolean;
  extra?: Record<string, string>;
}) {
  const [result, action, pending] = useAction(serverAction as VersionAction);
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="productId" value={productId} />
      {Object.entries(extra ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button
        type="submit"
        className={primary ? "primary" : undefined}
        disabled={pending}
        data-testid={testId}
      >
        {label}
      </button>
      <span className="status" role="status" aria-live="polite">
        {result?.ok ? done : ""}
      </span>
      <FormError result={result as ActionResult<unknown> | null} />
      {result && !result.ok && result.pathErrors && (
        <ul className="error" role="alert">
          {result.pathErrors.map((e, i) => (
            <li key={i}>
              {t("admin.products.tariff.errorAt", {
                path: e.path || t("admin.products.tariff.root"),
                message: e.message,
              })}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

export function PublishButton({ productId, version }: { productId: string; version: number }) {
  return (
    <ProductButton
      action={publishDraftAction}
      productId={productId}
      label={t("admin.products.draft.publish", { version })}
      done={t("admin.products.draft.published")}
      testId="publish-draft"
      primary
    />
  );
}

export function StartDraftButton({ productId }: { productId: string }) {
  return (
    <ProductButton
      action={startDraftAction}
      productId={productId}
      label={t("admin.products.draft.start")}
      done={t("admin.products.draft.started")}
      testId="start-draft"
    />
  );
}

export function DiscardDraftButton({ productId }: { productId: string }) {
  return (
    <ProductButton
      action={discardDraftAction}
      productId={productId}
      label={t("admin.products.draft.discard")}
      done={t("admin.products.draft.discarded")}
      testId="discard-draft"
    />
  );
}

export function ArchiveButton({ productId, archived }: { productId: string; archived: boolean }) {
  return (
    <ProductButton
      action={setArchivedAction}
      productId={productId}
      label={archived ? t("admin.products.unarchive") : t("admin.products.archive")}
      done=""
      testId={archived ? "unarchive-product" : "archive-product"}
      extra={{ archived: archived ? "false" : "true" }}
    />
  );
}
