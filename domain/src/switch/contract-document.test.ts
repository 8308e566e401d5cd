import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CONTRACT_DOCUMENT_FORMAT,
  canonicalJson,
  type ContractDocument,
  documentMeteringKind,
  hashContractDocument,
} from "./contract-document.ts";
import { supplyContractTypedData } from "./switch-typed-data.ts";

const doc: ContractDocument = {
  format: "c4e-supply-contract/1",
  reference: "SW-TEST0001",
  supplier: { retailerId: "ret-1", name: "Green Retail" },
  product: {
    code: "DEMO-TOU",
    version: 1,
    name: "TOU",
    currency: "EUR",
    tariff: { b: 1, a: [2, { d: 1, c: 0 }] },
  },
  customer: { fullName: "Erika Mustermann", email: "erika@example.org" },
  pointOfDelivery: {
    identifier: "51238696781",
    kind: "malo",
    supplyAddress: "Hauptstr. 1, 10115 Berlin",
    currentSupplier: "Stadtwerke",
    meterNumber: "1ESY1160123456",
    meterReadingKwh: "12345.600",
    meterReadingDate: "2026-11-20",
    annualConsumptionKwh: 3500,
  },
  desiredStart: "2027-01-01",
  withdrawalDays: 14,
};

/** Rebuilds an object with its keys in reverse order at every level. */
function reversed(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(reversed);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  );
}

describe("canonicalJson", () => {
  it("sorts keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: [3, { z: null, y: "x" }] })).toBe('{"a":[3,{"y":"x","z":null}],"b":1}');
  });

  it("is independent of key order and parses back to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(reversed(value))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe("hashContractDocument", () => {
  it("is a deterministic sha256 of the canonical text", () => {
    const a = hashContractDocument(doc);
    expect(a.hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(hashContractDocument(reversed(doc) as ContractDocument)).toEqual(a);
    expect(a.text.startsWith('{"customer":{"email":"erika@example.org"')).toBe(true);
  });

  it("changes with any term", () => {
    const base = hashContractDocument(doc).hash;
    const changed = [
      { ...doc, desiredStart: "2027-01-02" },
      { ...doc, product: { ...doc.product, version: 2 } },
      { ...doc, customer: { ...doc.customer, fullName: "Erika Musterfrau" } },
      { ...doc, pointOfDelivery: { ...doc.pointOfDelivery, identifier: "12345678905" } },
    ];
    for (const d of changed) expect(hashContractDocument(d).hash).not.toBe(base);
  });
});

describe("document formats", () => {
  it("a format 1 document (no metering kind) still hashes to what was signed before format 2", () => {
    // pinned before format 2 existed: changing the canonical form would break every signed request
    expect(hashContractDocument(doc).hash).toBe(
      "0xb791a57d37993c65dd313d0d2806429487ffc031d647d80a05ae95ea4e389b52",
    );
    expect(hashContractDocument(doc).text).not.toContain("meteringKind");
    expect(documentMeteringKind(doc)).toBe("slp");
  });

  it("format 2 binds the metering kind: another kind is another hash", () => {
    const v2 = (meteringKind: "slp" | "amr"): ContractDocument => ({
      ...doc,
      format: CONTRACT_DOCUMENT_FORMAT,
      pointOfDelivery: { ...doc.pointOfDelivery, meteringKind },
    });
    const slp = hashContractDocument(v2("slp"));
    const amr = hashContractDocument(v2("amr"));
    expect(slp.text).toContain('"meteringKind":"slp"');
    expect(amr.hash).not.toBe(slp.hash);
    expect(slp.hash).not.toBe(hashContractDocument(doc).hash);
    expect(documentMeteringKind(v2("amr"))).toBe("amr");
  });
});

describe("supplyContractTypedData", () => {
  it("names the domain and carries the hash", () => {
    const { hash } = hashContractDocument(doc);
    const data = supplyContractTypedData(31337, {
      reference: doc.reference,
      contractHash: hash,
      productCode: "DEMO-TOU",
      productVersion: 1,
      pod: "51238696781",
      fullName: "Erika Mustermann",
    });
    expect(data.domain).toEqual({ name: "C4E Supply Contract", version: "1", chainId: 31337 });
    expect(data.primaryType).toBe("SupplyContract");
    expect(data.message.contractHash).toBe(hash);
    expect(data.types.SupplyContract.map((f) => f.name)).toEqual([
      "reference",
      "contractHash",
      "productCode",
      "productVersion",
      "pod",
      "fullName",
    ]);
  });
});
