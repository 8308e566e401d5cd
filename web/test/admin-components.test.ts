// c4e-test: needs no machine services (npm run test:integration skips this file)
// The admin list primitives (DataTable, EmptyState, FormField) rendered to HTML, and a guard that no
// admin or partner page or component writes its own <table> instead of using DataTable.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { type Column, DataTable } from "@/components/admin/data-table.tsx";
import { EmptyState } from "@/components/admin/empty-state.tsx";
import { FormField } from "@/components/admin/form-field.tsx";

type Pod = { id: string; identifier: string; pending: number };

const columns: Column<Pod>[] = [
  { header: "Identifier", cell: (p) => p.identifier, className: "mono", title: (p) => p.id },
  {
    header: "Pending",
    cell: (p) => p.pending,
    align: "number",
    className: (p) => (p.pending > 0 ? "warn" : undefined),
  },
];

const table = (rows: Pod[]) =>
  renderToStaticMarkup(
    createElement(DataTable<Pod>, {
      caption: "Points of delivery",
      columns,
      rows,
      rowKey: (p) => p.id,
      rowAttributes: (p) => ({ "data-testid": "pod-row", "data-id": p.id }),
      empty: "No point of delivery yet.",
      testId: "pod-table",
    }),
  );

describe("DataTable", () => {
  const html = table([
    { id: "p1", identifier: "DE-1", pending: 0 },
    { id: "p2", identifier: "DE-2", pending: 3 },
  ]);

  it("names the table with a visually hidden caption and marks headers as column headers", () => {
    expect(html).toContain('<table class="rewards" data-testid="pod-table">');
    expect(html).toContain('<caption class="visually-hidden">Points of delivery</caption>');
    expect(html).toContain('<th scope="col">Identifier</th>');
    expect(html).toContain('<th scope="col" class="num">Pending</th>');
    expect(html.match(/<th /g)).toHaveLength(2);
  });

  it("renders one row per item with its attributes, and cells labelled by their header", () => {
    expect(html.match(/<tr data-testid="pod-row"/g)).toHaveLength(2);
    expect(html).toContain('data-id="p2"');
    expect(html).toContain('<td class="mono" title="p1" data-label="Identifier">DE-1</td>');
    expect(html).toContain('<td class="num" data-label="Pending">0</td>');
    expect(html).toContain('<td class="num warn" data-label="Pending">3</td>');
  });

  it("shows the empty state instead of a table when there are no rows", () => {
    const empty = table([]);
    expect(empty).toBe('<p class="empty">No point of delivery yet.</p>');
    expect(empty).not.toContain("<table");
  });

  it("has no card class in the plain layout", () => {
    const plain = renderToStaticMarkup(
      createElement(DataTable<Pod>, {
        caption: "c",
        columns,
        rows: [{ id: "p", identifier: "x", pending: 1 }],
        rowKey: (p) => p.id,
        empty: "none",
        layout: "plain",
      }),
    );
    expect(plain).toMatch(/^<div class="table-scroll"><table><caption/);
  });

  it("keeps a hidden header for screen readers and leaves its cells unlabelled", () => {
    const html = renderToStaticMarkup(
      createElement(DataTable<Pod>, {
        caption: "c",
        columns: [{ header: "Edit", hideHeader: true, cell: () => "buttons" }],
        rows: [{ id: "p", identifier: "x", pending: 1 }],
        rowKey: (p) => p.id,
        empty: "none",
      }),
    );
    expect(html).toContain('<th scope="col"><span class="visually-hidden">Edit</span></th>');
    expect(html).toContain("<td>buttons</td>");
  });
});

describe("EmptyState", () => {
  it("is the muted message, with an action after it when there is one", () => {
    expect(renderToStaticMarkup(createElement(EmptyState, { message: "Nothing.", testId: "none" }))).toBe(
      '<p class="empty" data-testid="none">Nothing.</p>',
    );
    const withAction = renderToStaticMarkup(
      createElement(EmptyState, {
        message: "No product.",
        action: createElement("a", { href: "/admin/products/new" }, "Create one"),
      }),
    );
    expect(withAction).toBe(
      '<p class="empty">No product.</p><p><a href="/admin/products/new">Create one</a></p>',
    );
  });
});

describe("FormField", () => {
  const field = (props: { hint?: string; error?: string }) =>
    renderToStaticMarkup(
      createElement(FormField, {
        id: "field-reason",
        label: "Reason",
        errorTestId: "error-reason",
        ...props,
        children: (control) => createElement("input", { ...control, name: "reason" }),
      }),
    );

  it("binds the label to the input and is valid without an error", () => {
    const html = field({});
    expect(html).toContain('<label for="field-reason">Reason</label>');
    expect(html).toContain('<input id="field-reason" aria-invalid="false" name="reason"/>');
    expect(html).not.toContain("aria-describedby");
    expect(html).not.toContain('role="alert"');
  });

  it("describes the input by its hint and its error, and marks it invalid", () => {
    const html = field({ hint: "Shown to the customer.", error: "Give a reason." });
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('aria-describedby="field-reason-hint field-reason-error"');
    expect(html).toContain('<p class="hint" id="field-reason-hint">Shown to the customer.</p>');
    expect(html).toContain(
      '<p class="error field-error" id="field-reason-error" role="alert" data-testid="error-reason">Give a reason.</p>',
    );
  });
});

const web = fileURLToPath(new URL("..", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("admin lists", () => {
  it("use DataTable: no admin or partner page or component writes its own <table>", () => {
    const files = ["src/app/(admin)", "src/components/admin", "src/components/partner"]
      .flatMap((dir) => sources(join(web, dir)))
      .map((path) => relative(web, path))
      .filter((path) => path !== "src/components/admin/data-table.tsx");
    const handWritten = files.filter((path) => readFileSync(join(web, path), "utf8").includes("<table"));
    expect(handWritten).toEqual([]);
  });
});
