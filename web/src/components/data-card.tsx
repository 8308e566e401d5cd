import type { ReactNode } from "react";
import { t } from "@/messages/en.ts";

/**
 * The shell of a dashboard card over data that loads: title (labels the section), optional hint, then
 * the first state that applies — `disabled` (the feature is off), loading or error while `data` is
 * undefined, `empty` (an empty list) — or else `children(data)`. `footer` follows in every state.
 */
export function DataCard<T>({
  titleId,
  testId,
  className = "card",
  title,
  hint,
  loading,
  data,
  disabled,
  empty,
  footer,
  children,
}: {
  /** the heading's id: it labels the section */
  titleId: string;
  testId?: string;
  className?: string;
  title: ReactNode;
  hint?: ReactNode;
  loading: boolean;
  data: T | undefined;
  /** shown instead of everything else when set: the feature is not enabled */
  disabled?: ReactNode;
  /** shown instead of the content when `data` is an empty list */
  empty?: { text: ReactNode; testId?: string };
  footer?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  return (
    <section className={className} aria-labelledby={titleId} data-testid={testId} aria-busy={loading}>
      <h2 id={titleId}>{title}</h2>
      {hint !== undefined && <p className="hint">{hint}</p>}
      {disabled !== undefined ? (
        <p className="empty">{disabled}</p>
      ) : data === undefined ? (
        <p className="muted">{loading ? t("app.loading") : t("dashboard.error")}</p>
      ) : empty && Array.isArray(data) && data.length === 0 ? (
        <p className="empty" data-testid={empty.testId}>
          {empty.text}
        </p>
      ) : (
        children(data)
      )}
      {footer}
    </section>
  );
}
