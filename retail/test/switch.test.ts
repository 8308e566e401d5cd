// The supplier switch's use cases called directly, against a real database: draft → EIP-712
// signature → validate → distributor message → confirmation → the periodic run activates through
// billing (customer with the signer's wallet, contract on the signed version, POD), one transaction
// per request; refusals leave nothing behind. The web's flows over the same code: web/test/switch*.
import { maloCheckDigit } from "@c4e/domain";
import type pg from "pg";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetailError } from "../src/errors.ts";
import { confirmSwitchRequest, sendSwitchMessage, validateSwitchRequest } from "../src/switch/back-office.ts";
import { createSwitchDraft, draftTypedData, getSwitchDraft } from "../src/switch/draft.ts";
import { runSwitchHousekeeping } from "../src/switch/housekeeping.ts";
import { ownSwitchRequests } from "../src/switch/own-requests.ts";
import { getSwitchRequest } from "../src/switch/queue.ts";
import { signSwitchDraft } from "../src/switch/sign.ts";
import {
  CHAIN_ID,
  createRetailTestDb,
  DISTRIBUTOR,
  draftForm,
  PRODUCT,
  RETAILER,
  type RetailTestDb,
  staff,
} from "./fixtures.ts";

const NOW = new Date("2026-11-22T10:00:00Z");
const meta = { ip: "203.0.113.7", userAgent: "vitest", now: NOW };
const NO_LIMITS = { perIpPerHour: 100_000, perPodPerDay: 1_000 };
/** A valid MaLo-ID from a 10-digit prefix. */
const malo = (prefix: string) => `${prefix}${maloCheckDigit(prefix)}`;

let t: RetailTestDb;
let pool: pg.Pool;

beforeAll(async () => {
  t = await createRetailTestDb("retail_switch");
  pool = t.pool;
});
afterAll(async () => t?.close());

/** Drafts and signs a request for `pod` with a fresh wallet (or `signerKey`); returns its id and signer. */
async function signedRequest(pod: string, signerKey = generatePrivateKey()) {
  const signer = privateKeyToAccount(signerKey);
  const drafted = await createSwitchDraft(
    pool,
    { retailerId: RETAILER, product: PRODUCT, limits: NO_LIMITS },
    draftForm({ podIdentifier: pod }),
    meta,
  );
  if (!drafted.ok) throw new Error(JSON.stringify(drafted));
  const draft = await getSwitchDraft(pool, drafted.value.draftId);
  // the customer types the name in another case: the same name, signed as typed
  const signature = await signer.signTypedData(draftTypedData(draft, CHAIN_ID, "erika mustermann"));
  const signed = await signSwitchDraft(
    pool,
    { chainId: CHAIN_ID },
    { draftId: draft.id, fullName: "erika mustermann", signer: signer.address, signature },
    meta,
  );
  if (!signed.ok) throw new Error(JSON.stringify(signed));
  return { requestId: draft.id, signer: signer.address.toLowerCase() };
}

/** Validates, sends and confirms a signed request for `effectiveDate`. */
async function confirmed(requestId: string, effectiveDate = "2027-01-01") {
  const admin = staff();
  expect((await validateSwitchRequest(pool, admin, { requestId })).ok).toBe(true);
  expect((await sendSwitchMessage(pool, admin, { requestId, distributorId: DISTRIBUTOR.id })).ok).toBe(true);
  expect((await confirmSwitchRequest(pool, admin, { requestId, effectiveDate })).ok).toBe(true);
  return admin;
}

describe("supplier switch (retail use cases)", () => {
  it("runs the flow and activates through billing: customer with the wallet, contract, POD, lead active", async () => {
    const { requestId, signer } = await signedRequest("51238696781");
    const admin = await confirmed(requestId);
    expect(admin.entries.map((e) => e.action)).toEqual([
      "switch.validate",
      "switch.message.send",
      "switch.confirm",
    ]);

    const early = await runSwitchHousekeeping(pool, new Date("2026-12-31T12:00:00Z"));
    expect(early.activated).toEqual({ [RETAILER]: { activated: [], failed: [] } });

    const run = await runSwitchHousekeeping(pool, new Date("2027-01-01T12:00:00Z"));
    const done = run.activated[RETAILER]?.activated ?? [];
    expect(done).toHaveLength(1);
    const { request, events } = await getSwitchRequest(pool, admin, requestId);
    expect(request.status).toBe("active");
    expect(events.map((e) => e.kind)).toEqual([
      "drafted",
      "signed",
      "validated",
      "requested",
      "confirmed",
      "activated",
    ]);

    const ref = request.reference.toLowerCase();
    const rows = await pool.query<{ customer: string; wallet: string; product_version: number; pod: string }>(
      `SELECT c.customer_id AS customer, w.address AS wallet, c.product_version, p.identifier AS pod
         FROM contract c JOIN wallet w ON w.customer_id = c.customer_id JOIN pod p ON p.contract_id = c.id
        WHERE c.id = $1`,
      [`ctr-${ref}`],
    );
    expect(rows.rows).toEqual([
      { customer: `cust-${ref}`, wallet: signer, product_version: 1, pod: "51238696781" },
    ]);
    const lead = await pool.query<{ stage: string; customer_id: string }>(
      `SELECT stage::text AS stage, customer_id FROM crm_lead WHERE id = $1::uuid`,
      [request.leadId],
    );
    expect(lead.rows[0]).toEqual({ stage: "active", customer_id: `cust-${ref}` });
    expect((await ownSwitchRequests(pool, { address: signer }))[0]?.status).toBe("active");
  });

  it("reuses the signer's customer at this retailer for a second POD", async () => {
    const key = generatePrivateKey();
    const first = await signedRequest("12345678905", key);
    await confirmed(first.requestId, "2027-02-01");
    await runSwitchHousekeeping(pool, new Date("2027-02-01T12:00:00Z"));
    const second = await signedRequest("10000000009", key);
    await confirmed(second.requestId, "2027-02-01");
    await runSwitchHousekeeping(pool, new Date("2027-02-02T12:00:00Z"));
    const customers = await pool.query<{ customer_id: string }>(
      `SELECT DISTINCT customer_id FROM switch_request WHERE id = ANY($1::uuid[])`,
      [[first.requestId, second.requestId]],
    );
    expect(customers.rows).toHaveLength(1);
  });

  it("reports a request billing refuses and writes nothing for it: a wallet of another retailer's customer", async () => {
    const key = generatePrivateKey();
    const wallet = privateKeyToAccount(key).address.toLowerCase();
    await pool.query(`INSERT INTO customer (id, retailer_id, name) VALUES ('c-other', 'ret-2', 'Other')`);
    await pool.query(`INSERT INTO wallet (address, customer_id) VALUES ($1, 'c-other')`, [wallet]);
    const { requestId } = await signedRequest(malo("2000000000"), key);
    await confirmed(requestId, "2027-03-01");
    const counts = async () =>
      (
        await pool.query<{ n: string }>(
          `SELECT (SELECT count(*) FROM customer) || '/' || (SELECT count(*) FROM contract) || '/' || (SELECT count(*) FROM pod) AS n`,
        )
      ).rows[0]?.n;
    const before = await counts();
    const run = await runSwitchHousekeeping(pool, new Date("2027-03-01T12:00:00Z"));
    expect(run.activated[RETAILER]?.failed).toEqual([
      {
        reference: expect.stringMatching(/^SW-/),
        reason: "the signer's wallet belongs to a customer of another retailer",
      },
    ]);
    expect(await counts()).toBe(before);
    const { request } = await getSwitchRequest(pool, { retailerId: RETAILER }, requestId);
    expect(request.status).toBe("confirmed");
  });

  it("refuses what the scope does not own as not_found, a step out of order as conflict", async () => {
    const { requestId } = await signedRequest(malo("3000000000"));
    await expect(getSwitchRequest(pool, { retailerId: "ret-2" }, requestId)).rejects.toMatchObject({
      name: "RetailError",
      code: "not_found",
    });
    await expect(
      confirmSwitchRequest(pool, staff(), { requestId, effectiveDate: "2027-01-01" }),
    ).rejects.toEqual(new RetailError("conflict", "a signed request cannot become confirmed"));
  });
});
