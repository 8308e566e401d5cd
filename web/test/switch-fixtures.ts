import { maloCheckDigit } from "@c4e/domain";
import type pg from "pg";
import {
  createSwitchDraft,
  draftTypedData,
  getSwitchDraft,
  signSwitchDraft,
} from "@/server/switch/public.ts";
import { account, CHAIN_ID } from "./fixtures.ts";

/** A published product of retailer `ret-1` (version 1 published, version 2 a draft) and a distributor. */
export const SWITCH_PRODUCT = { id: "prod-green", code: "GREEN-FIX", name: "Green Fix 12" };
export const SWITCH_DISTRIBUTOR = { id: "dso-sw", code: "9900000000099", name: "Netz Test GmbH" };

const TARIFF = { name: "Green Fix 12", currency: "EUR", energy: { kind: "single", unitPrice: "0.30" } };

/** Catalogue, market roles and a profile type for switch tests (needs `seedCustomers` first). */
export async function seedSwitchCatalogue(db: pg.Pool, retailerId = "ret-1"): Promise<void> {
  await db.query(
    `INSERT INTO product (id, code, retailer_id, name, currency, tariff) VALUES ($1, $2, $3, $4, 'EUR', $5)`,
    [SWITCH_PRODUCT.id, SWITCH_PRODUCT.code, retailerId, SWITCH_PRODUCT.name, JSON.stringify(TARIFF)],
  );
  await db.query(
    `INSERT INTO product_version (product_id, version, name, tariff, status, published_at) VALUES
       ($1, 1, $2, $3, 'published', now()), ($1, 2, 'Green Fix 12 (next)', $3, 'draft', NULL)`,
    [SWITCH_PRODUCT.id, SWITCH_PRODUCT.name, JSON.stringify(TARIFF)],
  );
  await db.query(`INSERT INTO distributor (id, code, name) VALUES ($1, $2, $3)`, [
    SWITCH_DISTRIBUTOR.id,
    SWITCH_DISTRIBUTOR.code,
    SWITCH_DISTRIBUTOR.name,
  ]);
  await db.query(
    `INSERT INTO trader (id, code, name, retailer_id) VALUES ('tr-sw', '9900000000055', 'Green Retail Supply', $1)`,
    [retailerId],
  );
  await db.query(
    `INSERT INTO profile_type (code, name) VALUES ('H25', 'Household') ON CONFLICT (code) DO NOTHING`,
  );
}

/** Draft limits no fixture reaches (the limits have their own tests). */
export const NO_DRAFT_LIMITS = { perIpPerHour: 100_000, perPodPerDay: 1_000 };

/** Valid MaLo-IDs (check digits computed by the BDEW rule) and a Zählpunktbezeichnung. */
export const PODS = {
  malo1: "51238696781",
  malo2: "12345678905",
  malo3: "10000000009",
  zaehlpunkt: "DE0001234512345678901234567890123",
};

/** The public form's fields for a prospect (dev account 4 signs). */
export function draftForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    podIdentifier: PODS.malo1,
    supplyAddress: "Hauptstraße 1, 10115 Berlin",
    currentSupplier: "Stadtwerke Alt",
    meterNumber: "1ESY1160123456",
    meterReadingKwh: "12345.6",
    meterReadingDate: "2026-11-20",
    annualConsumptionKwh: "3500",
    meteringKind: "slp",
    desiredStart: "2027-01-01",
    fullName: "Erika  Mustermann",
    email: "erika@example.org",
    ...overrides,
  };
}

export const PROSPECT = account(4);

/** A valid MaLo-ID from a 10-digit prefix (first digit 1–9). */
export function malo(prefix: string): string {
  return `${prefix}${maloCheckDigit(prefix)}`;
}

type Signer = ReturnType<typeof account>;

/** Drafts a request for `pod` (public form, retailer ret-1) and, with a signer, signs it (EIP-712). */
export async function seedSwitchRequest(
  db: pg.Pool,
  pod: string,
  signer: Signer | null,
  name = "Sam Switcher",
): Promise<string> {
  const config = { publicRetailerId: "ret-1", chainId: CHAIN_ID, switchDraftLimits: NO_DRAFT_LIMITS };
  const meta = { ip: "198.51.100.1", userAgent: "fixture", now: new Date() };
  const drafted = await createSwitchDraft(
    db,
    config,
    SWITCH_PRODUCT.code,
    draftForm({
      podIdentifier: pod,
      fullName: name,
      meterReadingDate: "2026-01-01",
      desiredStart: "2099-01-01",
    }),
    meta,
  );
  if (!drafted.ok) throw new Error(`seedSwitchRequest: ${JSON.stringify(drafted)}`);
  if (!signer) return drafted.value.draftId;
  const signature = await signDraftAs(db, drafted.value.draftId, signer);
  const signed = await signSwitchDraft(
    db,
    config,
    { draftId: drafted.value.draftId, fullName: name, signer: signer.address, signature },
    meta,
  );
  if (!signed.ok) throw new Error(`seedSwitchRequest: ${JSON.stringify(signed)}`);
  return drafted.value.draftId;
}

/** The EIP-712 signature of a draft by `signer` (the draft's own name, the local chain). */
export async function signDraftAs(db: pg.Pool, draftId: string, signer: Signer): Promise<`0x${string}`> {
  const draft = await getSwitchDraft(db, draftId);
  return signer.signTypedData(draftTypedData(draft, CHAIN_ID, draft.fullName));
}
