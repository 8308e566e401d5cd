// The text of a rendered PDF for the document tests.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The PDF's text by `pdftotext -layout` (Debian poppler-utils, installed by .ci/run), or null where it
 * is not installed (the callers' structural checks still run). The PDF is written to `file` (kept for
 * further tools, e.g. a QR decoder) or to a fresh temporary folder.
 */
export function pdfText(
  pdf: Buffer,
  file = join(mkdtempSync(join(tmpdir(), "c4e-pdf-")), "document.pdf"),
): string | null {
  writeFileSync(file, pdf);
  try {
    return execFileSync("pdftotext", ["-layout", file, "-"]).toString();
  } catch {
    return null;
  }
}
