// c4e-test: needs no machine services (npm run test:integration skips this file)
import { describe, expect, it } from "vitest";
import { BillRunError, monthPeriod } from "../src/bill-run.ts";
import { type PodContextRow, podContextOf } from "../src/bill-run/pod-context.ts";

const row = (c: Partial<PodContextRow>) =>
  ({
    pod_id: "pod-1",
    contract_id: "ctr-1",
    contract_tariff: null,
    product_id: "prod-1",
    product_version: 3,
    product_version_tariff: { name: "v3" },
    product_tariff: { name: "base" },
    ...c,
  }) as PodContextRow;

describe("podContextOf: the applicable tariff of a POD (domain precedence)", () => {
  it("the contract's own tariff over the product version over the product", () => {
    expect(podContextOf(row({ contract_tariff: { name: "own" } }))).toMatchObject({
      tariff_key: "contract:ctr-1",
      tariff: { name: "own" },
    });
    expect(podContextOf(row({}))).toMatchObject({ tariff_key: "product:prod-1@3", tariff: { name: "v3" } });
    expect(podContextOf(row({ product_version: null }))).toMatchObject({
      tariff_key: "product:prod-1",
      tariff: { name: "base" },
    });
  });

  it("drops the candidate columns", () => {
    const ctx = podContextOf(row({}));
    expect(Object.keys(ctx)).not.toContain("product_version_tariff");
    expect(Object.keys(ctx)).not.toContain("contract_tariff");
    expect(ctx.pod_id).toBe("pod-1");
  });
});

describe("BillRunError codes", () => {
  it("an argument error is INVALID_ARGUMENT with its message", () => {
    const err = (() => {
      try {
        monthPeriod("2026-13");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BillRunError);
    expect(err).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: '--period must be YYYY-MM (got "2026-13")',
    });
  });
});
