// c4e-test: needs no machine services (npm run test:integration skips this file)
// The bill-case adapter's own checks (issue 13): the meter CSV row by row, the case fields, and the
// refusal as a RefusedInputError a command line prints. The cases in billing/cases cover the rest.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { billCaseRefused, parseMeterCsv, runBillCase } from "../src/bill-case.ts";

const HEADER = "timestamp,import_kwh,export_kwh";

describe("parseMeterCsv", () => {
  it("reads CRLF, a BOM, quoted fields and blank lines", () => {
    const text = `\uFEFF${HEADER}\r\n2025-06-01T22:00:00Z,"0.25",0\r\n\r\n2025-06-01T22:15:00+00:00,1,0.5\r\n`;
    expect(parseMeterCsv(text)).toEqual({
      ok: true,
      intervals: [
        { start: "2025-06-01T22:00:00Z", importKwh: "0.25", exportKwh: "0" },
        { start: "2025-06-01T22:15:00+00:00", importKwh: "1", exportKwh: "0.5" },
      ],
    });
  });

  it.each([
    ["a decimal comma (4 columns)", "2025-06-01T22:00:00Z,0,25,0", "meter.csv:3", /^4 columns, expected 3/],
    ["a quoted decimal comma", '2025-06-01T22:00:00Z,"0,25",0', "meter.csv:3", /^import_kwh: .*"0,25"/],
    ["a missing column", "2025-06-01T22:00:00Z,0.25", "meter.csv:3", /^2 columns, expected 3/],
    ["a negative export", "2025-06-01T22:00:00Z,0.25,-1", "meter.csv:3", /^export_kwh: /],
    ["an exponent", "2025-06-01T22:00:00Z,1e3,0", "meter.csv:3", /^import_kwh: /],
    ["a local time without offset", "2025-06-01T22:00:00,0.25,0", "meter.csv:3", /^timestamp: /],
  ])("refuses %s with the line number", (_name, row, path, message) => {
    const r = parseMeterCsv(`${HEADER}\n2025-06-01T21:45:00Z,0.25,0\n${row}\n`);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]?.path).toBe(path);
      expect(r.errors[0]?.message).toMatch(message);
    }
  });

  it("refuses a wrong header and an unclosed quote, naming the line", () => {
    expect(parseMeterCsv("time,import,export\n", "m.csv")).toMatchObject({
      ok: false,
      errors: [{ path: "m.csv:1" }],
    });
    const r = parseMeterCsv(`${HEADER}\n2025-06-01T22:00:00Z,"0.25,0\n`, "m.csv");
    expect(r).toMatchObject({ ok: false, errors: [{ path: expect.stringMatching(/^m\.csv:\d+$/) }] });
  });
});

describe("runBillCase refusals", () => {
  const dir = mkdtempSync(join(tmpdir(), "c4e-bill-case-"));
  const write = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
    return path;
  };
  const tariff = { name: "t", currency: "EUR", single: { price: "0.30" } };
  const terms = { vatRate: "19", priceIncludesLevy: true, paymentTermsDays: 14 };

  it("collects every case field error at once instead of crashing", async () => {
    const path = write("fields.json", { tariff, terms, period: { start: "2025-06-31", end: "x" } });
    expect(await runBillCase(path)).toEqual({
      errors: [
        { path: "period.start", message: "must be a date YYYY-MM-DD" },
        { path: "period.end", message: "must be a date YYYY-MM-DD" },
        { path: "timeZone", message: expect.stringMatching(/^required/) },
        { path: "consumption", message: "required for a monthly case" },
      ],
    });
  });

  it("refuses a missing CSV file, an interval length other than 15/60, and JSON that is not JSON", async () => {
    const base = {
      tariff,
      terms,
      period: { start: "2025-06-02", end: "2025-06-03" },
      timeZone: "Europe/Berlin",
    };
    const csv = write("csv.json", { ...base, consumption: { kind: "intervals", csv: "nope.csv" } });
    expect(await runBillCase(csv)).toEqual({
      errors: [
        { path: "consumption.csv", message: expect.stringMatching(/^cannot read nope\.csv \(ENOENT\)/) },
      ],
    });
    const m30 = write("m30.json", {
      ...base,
      consumption: { kind: "intervals", intervalMinutes: 30, intervals: [] },
    });
    expect(await runBillCase(m30)).toEqual({
      errors: [{ path: "consumption.intervalMinutes", message: "must be 15 or 60" }],
    });
    expect(await runBillCase(write("bad.json", "{ period"))).toMatchObject({
      errors: [{ path: "", message: expect.stringMatching(/^not JSON/) }],
    });
  });

  it("billCaseRefused prefixes case fields with the case file and keeps CSV lines", () => {
    const e = billCaseRefused("/x/cases/y/case.json", [
      { path: "period", message: "required" },
      { path: "meter.csv:17", message: "4 columns" },
      { path: "", message: "not JSON" },
    ]);
    expect(e.message).toBe("case.json refused (3 errors)");
    expect(e.errors).toEqual([
      { path: "case.json: period", message: "required" },
      { path: "meter.csv:17", message: "4 columns" },
      { path: "case.json", message: "not JSON" },
    ]);
  });
});
