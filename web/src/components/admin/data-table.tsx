import type { ReactNode } from "react";
import { EmptyState } from "./empty-state.tsx";

/** One column of a DataTable: its header, how a row renders in it, and how it aligns. */
export type Column<Row> = {
  /** The header text; also each cell's `data-label`, the label narrow screens show beside the value. */
  header: string;
  /** The React key of the column; the header unless two columns share one. */
  key?: string;
  cell: (row: Row, index: number) => ReactNode;
  /** Numbers align right (the `num` class on header and cells). */
  align?: "start" | "number";
  /** More classes of the cells (`mono`, `wrap`, …), fixed or per row. */
  className?: string | ((row: Row) => string | undefined);
  /** The cells' `title` (the full value behind a shortened one). */
  title?: (row: Row) => string | undefined;
  /** The cells' `data-testid`. */
  testId?: string;
  /** The header only for screen readers (a column of buttons); its cells get no narrow-screen label. */
  hideHeader?: boolean;
};

/** Attributes of a body row: its `data-*` attributes (`data-testid`, `data-status`, …) and class. */
export type RowAttributes = { [attribute: `data-${string}`]: string | undefined; className?: string };

const classes = (...names: (string | undefined | false)[]) => names.filter(Boolean).join(" ") || undefined;

/**
 * The table of every admin list: a visually hidden caption naming it, `<th scope="col">` headers,
 * right-aligned number columns, and the empty state instead of the table when there are no rows.
 * Plain markup without hooks, so server pages and client components both render it.
 *
 * @example
 * <DataTable
 *   caption={t("admin.pods.caption")}
 *   rows={pods}
 *   rowKey={(p) => p.id}
 *   empty={t("admin.pods.empty")}
 *   columns={[
 *     { header: t("admin.pods.identifier"), cell: (p) => p.identifier, className: "mono" },
 *     { header: t("admin.pods.pending"), cell: (p) => formatInteger(p.pendingReports), align: "number" },
 *   ]}
 * />
 */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  empty,
  rowAttributes,
  testId,
  layout = "cards",
}: {
  /** Names the table for screen readers (a visually hidden `<caption>`). */
  caption: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string | number;
  /** Shown instead of the table when `rows` is empty: a message (an EmptyState) or any node. */
  empty: ReactNode;
  rowAttributes?: (row: Row, index: number) => RowAttributes;
  /** The table's `data-testid`. */
  testId?: string;
  /** "cards" (class `rewards`): on narrow screens each row becomes a card of label/value lines. */
  layout?: "cards" | "plain";
}) {
  if (rows.length === 0) return typeof empty === "string" ? <EmptyState message={empty} /> : <>{empty}</>;
  return (
    <div className="table-scroll">
      <table className={layout === "cards" ? "rewards" : undefined} data-testid={testId}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key ?? c.header} scope="col" className={c.align === "number" ? "num" : undefined}>
                {c.hideHeader ? <span className="visually-hidden">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={rowKey(row, index)} {...rowAttributes?.(row, index)}>
              {columns.map((c) => (
                <td
                  key={c.key ?? c.header}
                  className={classes(
                    c.align === "number" && "num",
                    typeof c.className === "function" ? c.className(row) : c.className,
                  )}
                  title={c.title?.(row)}
                  data-label={c.hideHeader ? undefined : c.header}
                  data-testid={c.testId}
                >
                  {c.cell(row, index)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
