import type { ReactNode } from "react";

/**
 * What a list shows when it has nothing: the message in the muted `.empty` style, and optionally
 * an action (a link or a button) that gets the user going.
 *
 * @example <EmptyState message={t("admin.pods.empty")} />
 */
export function EmptyState({
  message,
  action,
  testId,
}: {
  message: ReactNode;
  action?: ReactNode;
  testId?: string;
}) {
  const text = (
    <p className="empty" data-testid={testId}>
      {message}
    </p>
  );
  if (action === undefined) return text;
  return (
    <>
      {text}
      <p>{action}</p>
    </>
  );
}
