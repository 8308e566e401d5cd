// Supplier switch against a real database: draft → EIP-712 signature of a real viem account →
// validate → distributor message → confirmation → activation (customer, contract on the signed
// product version, POD); refusals (bad signature, tampered hash, wrong chain, name mismatch, POD
// already under contract or in an open request) and the 14-day withdrawal rule.
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@c4e/stack/testing/index";
import type { StaffScope } from "@/server/core/authz.ts";
import { AppError } from "@/server/core/errors.ts";
import {
  activateDueForAllRetailers,
  activateDueForStaff,
  activateDueSwitches,
  confirmSwitchRequest,
  getSwitchRequest,
  listSwitchRequests,
  rejectSwitchRequest,
  sendSwitchMessage,
  validateSwitchRequest,
} from "@/server/switch/back-office.ts";
import {
  createSwitchDraft,
  draftTypedData,
  getSwitchDraft,
  ownSwitchRequests,
  signSwitchDraft,
  withdrawOwnSwitchRequest,
} from "@/server/switch/public.ts";
import { account, CHAIN_ID, seedCustomers } from "./fixtures.ts";
import {
  draftForm,
  malo,
  NO_DRAFT_LIMITS,
  PODS,
  PROSPECT,
  SWITCH_DISTRIBUTOR,
  SWITCH_PRODUCT,
  seedSwitchCatalogue,
} from "./switch-fixtures.ts";

const config = { publicRetailerId: "ret-1", chainId: CHAIN_ID, switchDraftLimits: NO_DRAFT_LIMITS };
const NOW = new Date("2026-11-22T10:00:00Z");
const meta = (now = NOW) => ({ ip: "203.0.113.7", userAgent: "vitest", now });
const admin: StaffScope = {
  retailerId: "ret-1",
  actor: account(0).address.toLowerCase(),
  role: "retailer_admin",
};
const otherAdmin: StaffScope = {
  retailerId: "ret-2",
  actor: account(9).address.toLowerCase(),
  role: "retailer_admin",
};
const prospect = { address: PROSPECT.address.toLowerCase() };

let db: pg.Pool;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabase("web_switch");
  drop = database.drop;
  db = createPool({ url: database.url, max: 4 });
  await seedCustomers(db);
  await seedSwitchCatalogue(db);
  await db.query(`INSERT INTO retailer (id, name) VALUES ('ret-2', 'Other Retail')`);
});

afterAll(async () => {
  await db.end();
  await drop();
});

async function draft(overrides: Record<string, string> = {}): Promise<string> {
  const result = await createSwitchDraft(db, config, SWITCH_PRODUCT.code, draftForm(overrides), meta());
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.value.draftId;
}

async function sign(
  draftId: string,
  opts: { chainId?: number; name?: string; signer?: typeof PROSPECT } = {},
) {
  const d = await getSwitchDraft(db, draftId);
  const signer = opts.signer ?? PROSPECT;
  // typed in lower case with extra spaces: still the contract's name, signed as typed
  const typedName = opts.name ?? " erika   mustermann ";
  const signature = await signer.signTypedData(draftTypedData(d, opts.chainId ?? CHAIN_ID, typedName));
  return signSwitchDraft(
    db,
    config,
    { draftId, fullName: typedName, signer: signer.address, signature },
    meta(),
  );
}

describe("draft", () => {
  it("stores the draft on the latest published version with a hash of its document", async () => {
    const id = await draft();
    const d = await getSwitchDraft(db, id);
    expect(d).toMatchObject({
      status: "draft",
      productCode: SWITCH_PRODUCT.code,
      productVersion: 1, // version 2 is a draft
      podIdentifier: PODS.malo1,
      podKind: "malo",
      fullName: "Erika Mustermann",
      meterReadingKwh: "12345.600",
    });
    expect(d.contractHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(d.document.product).toMatchObject({ code: SWITCH_PRODUCT.code, version: 1 });
  });

  it.each([
    [{ podIdentifier: "POD-123" }, "podIdentifier", "switch.form.pod.unknownFormat"],
    [{ podIdentifier: "51238696782" }, "podIdentifier", "switch.form.pod.maloCheckDigit"],
    [{ podIdentifier: "DE00012345" }, "podIdentifier", "switch.form.pod.zaehlpunktFormat"],
    [{ podIdentifier: "" }, "podIdentifier", "switch.form.error.required"],
    [{ podIdentifier: "POD-A" }, "podIdentifier", "switch.form.pod.unknownFormat"],
    [{ supplyAddress: "" }, "supplyAddress", "switch.form.error.required"],
    [{ email: "not-mail" }, "email", "switch.form.error.email"],
    [{ meterReadingKwh: "12,5" }, "meterReadingKwh", "switch.form.error.reading"],
    [{ meterReadingDate: "2026-12-01" }, "meterReadingDate", "switch.form.error.readingFuture"],
    [{ desiredStart: "2026-11-01" }, "desiredStart", "switch.form.error.startPast"],
    [{ annualConsumptionKwh: "0" }, "annualConsumptionKwh", "switch.form.error.annual"],
  ])("refuses %j at its field", async (overrides, field, key) => {
    const result = await createSwitchDraft(db, config, SWITCH_PRODUCT.code, draftForm(overrides), meta());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors?.[field]).toBe(key);
  });

  it("reports a bad POD together with other missing fields", async () => {
    const result = await createSwitchDraft(
      db,
      config,
      SWITCH_PRODUCT.code,
      draftForm({ podIdentifier: "12", fullName: "" }),
      meta(),
    );
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { podIdentifier: "switch.form.pod.unknownFormat", fullName: "switch.form.error.required" },
    });
  });

  it("refuses a POD under an active contract", async () => {
    await db.query(
      `INSERT INTO contract (id, number, customer_id, trader_id, valid_from, currency) VALUES ('ctr-x', 'C-X', 'cust-a', 'tr-sw', '2026-01-01', 'EUR')`,
    );
    await db.query(
      `INSERT INTO pod (id, identifier, name, address, contract_id, metering, monthly_forecast_kwh, annual_reference_kwh,
         distributor_id, trader_id, sign_in_date) VALUES ('pod-x', $1, 'X', 'X', 'ctr-x', 'slp', '{}', 1000, $2, 'tr-sw', '2026-01-01')`,
      [PODS.zaehlpunkt, SWITCH_DISTRIBUTOR.id],
    );
    const result = await createSwitchDraft(
      db,
      config,
      SWITCH_PRODUCT.code,
      draftForm({ podIdentifier: PODS.zaehlpunkt.toLowerCase() }),
      meta(),
    );
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { podIdentifier: "switch.form.pod.underContract" },
    });
  });

  it("is not_found for an unknown product or draft", async () => {
    await expect(createSwitchDraft(db, config, "NOPE", draftForm(), meta())).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(getSwitchDraft(db, "00000000-0000-0000-0000-000000000000")).rejects.toBeInstanceOf(AppError);
    await expect(getSwitchDraft(db, "x")).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("signing", () => {
  it("refuses a signature for another chain, by another wallet, or with another name", async () => {
    const id = await draft({ podIdentifier: PODS.malo2 });
    expect(await sign(id, { chainId: 1 })).toMatchObject({
      ok: false,
      fieldErrors: { signature: "switch.sign.badSignature" },
    });
    // signed by account 3 but claimed for the prospect's address
    const d = await getSwitchDraft(db, id);
    const foreign = await account(3).signTypedData(draftTypedData(d, CHAIN_ID, d.fullName));
    expect(
      await signSwitchDraft(
        db,
        config,
        { draftId: id, fullName: d.fullName, signer: PROSPECT.address, signature: foreign },
        meta(),
      ),
    ).toMatchObject({ ok: false, fieldErrors: { signature: "switch.sign.badSignature" } });
    expect(await sign(id, { name: "Max Mustermann" })).toMatchObject({
      ok: false,
      fieldErrors: { fullName: "switch.sign.nameMismatch" },
    });
    expect((await getSwitchDraft(db, id)).status).toBe("draft");
  });

  it("refuses a signature over a tampered hash (the server recomputes it from the stored draft)", async () => {
    const id = await draft({ podIdentifier: PODS.malo2 });
    const d = await getSwitchDraft(db, id);
    const tampered = draftTypedData({ ...d, contractHash: `0x${"ab".repeat(32)}` }, CHAIN_ID, d.fullName);
    const signature = await PROSPECT.signTypedData(tampered);
    expect(
      await signSwitchDraft(
        db,
        config,
        { draftId: id, fullName: d.fullName, signer: PROSPECT.address, signature },
        meta(),
      ),
    ).toMatchObject({ ok: false, fieldErrors: { signature: "switch.sign.badSignature" } });
  });

  it("runs the whole flow: sign → validate → message → confirm → activate on the signed version", async () => {
    const id = await draft();
    const signed = await sign(id);
    expect(signed).toMatchObject({ ok: true, value: { requestId: id } });

    const row = await db.query(
      `SELECT status::text, signer_address, signer_ip, user_agent, chain_id, withdrawal_deadline, lead_id FROM switch_request WHERE id = $1`,
      [id],
    );
    expect(row.rows[0]).toMatchObject({
      status: "signed",
      signer_address: PROSPECT.address.toLowerCase(),
      signer_ip: "203.0.113.7",
      user_agent: "vitest",
      chain_id: CHAIN_ID,
      // signed 22 Nov (Berlin): 14 days, ends 7 Dec 00:00 CET
      withdrawal_deadline: new Date("2026-12-06T23:00:00Z"),
    });
    const lead = await db.query(`SELECT stage::text, name FROM crm_lead WHERE id = $1`, [
      row.rows[0].lead_id,
    ]);
    expect(lead.rows[0]).toEqual({ stage: "signed", name: "Erika Mustermann" });

    // signing twice, or a second draft for the same POD, is refused
    await expect(sign(id)).rejects.toMatchObject({ code: "not_found" });
    expect(await createSwitchDraft(db, config, SWITCH_PRODUCT.code, draftForm(), meta())).toMatchObject({
      ok: false,
      fieldErrors: { podIdentifier: "switch.form.pod.openRequest" },
    });

    // the signer sees it, the other retailer's staff does not
    const own = await ownSwitchRequests(db, prospect);
    expect(own.map((r) => [r.reference, r.status])).toEqual([[own[0]?.reference, "signed"]]);
    expect(own[0]?.events.map((e) => e.kind)).toEqual(["drafted", "signed"]);
    expect(await ownSwitchRequests(db, { address: account(3).address.toLowerCase() })).toEqual([]);
    expect(await listSwitchRequests(db, otherAdmin)).toEqual([]);
    await expect(getSwitchRequest(db, otherAdmin, id)).rejects.toMatchObject({ code: "not_found" });
    await expect(validateSwitchRequest(db, otherAdmin, { requestId: id })).rejects.toMatchObject({
      code: "not_found",
    });

    // order matters: no message before validation
    await expect(
      sendSwitchMessage(db, admin, { requestId: id, distributorId: SWITCH_DISTRIBUTOR.id }),
    ).rejects.toMatchObject({
      code: "conflict",
    });
    expect(await validateSwitchRequest(db, admin, { requestId: id })).toMatchObject({ ok: true });
    expect(await sendSwitchMessage(db, admin, { requestId: id, distributorId: "nope" })).toMatchObject({
      ok: false,
      fieldErrors: { distributorId: "admin.switching.form.distributorUnknown" },
    });
    expect(
      await sendSwitchMessage(db, admin, { requestId: id, distributorId: SWITCH_DISTRIBUTOR.id }),
    ).toMatchObject({
      ok: true,
    });
    const { messages } = await getSwitchRequest(db, admin, id);
    expect(messages).toHaveLength(1);
    const payload = JSON.parse(messages[0]?.payload ?? "{}") as Record<string, unknown>;
    expect(payload).toMatchObject({
      format: "c4e-switch/1",
      kind: "switch_request",
      pointOfDelivery: { identifier: PODS.malo1, kind: "malo" },
      recipient: { code: SWITCH_DISTRIBUTOR.code },
      sender: { code: "9900000000055" },
      requestedStart: "2027-01-01",
    });

    expect(await confirmSwitchRequest(db, admin, { requestId: id, effectiveDate: "bad" })).toMatchObject({
      ok: false,
      fieldErrors: { effectiveDate: "admin.switching.form.dateInvalid" },
    });
    expect(
      await confirmSwitchRequest(db, admin, { requestId: id, effectiveDate: "2027-01-01" }),
    ).toMatchObject({
      ok: true,
    });

    // before the effective date nothing happens; on it, the contract starts
    expect(
      await activateDueSwitches(db, {
        retailerId: "ret-1",
        actor: "system",
        now: new Date("2026-12-31T22:59:00Z"),
      }),
    ).toEqual({ activated: [], failed: [] });
    const done = await activateDueSwitches(db, {
      retailerId: "ret-1",
      actor: "system",
      now: new Date("2026-12-31T23:00:00Z"), // 1 Jan 00:00 in Berlin
    });
    expect(done.activated).toHaveLength(1);
    const contract = await db.query(
      `SELECT c.product_id, c.product_version, c.valid_from::text, c.customer_id, cu.name, w.address,
              p.identifier, p.distributor_id, p.annual_reference_kwh::text, p.metering::text,
              p.profile_type_code, p.monthly_forecast_kwh::text[] AS forecast
         FROM contract c JOIN customer cu ON cu.id = c.customer_id JOIN wallet w ON w.customer_id = cu.id
         JOIN pod p ON p.contract_id = c.id WHERE c.id = $1`,
      [done.activated[0]?.contractId],
    );
    expect(contract.rows[0]).toMatchObject({
      product_id: SWITCH_PRODUCT.id,
      product_version: 1,
      valid_from: "2027-01-01",
      name: "Erika Mustermann",
      address: PROSPECT.address.toLowerCase(),
      identifier: PODS.malo1,
      distributor_id: SWITCH_DISTRIBUTOR.id,
      annual_reference_kwh: "3500.000",
      metering: "slp",
      // 3500 kWh split by the H25 monthly shares (January 10.05 % = 351.750 kWh … December 9.90 %)
      forecast: [
        "351.750",
        "308.700",
        "311.150",
        "284.550",
        "270.200",
        "250.950",
        "259.350",
        "258.650",
        "255.500",
        "291.200",
        "311.500",
        "346.500",
      ],
    });
    const after = await getSwitchRequest(db, admin, id);
    expect(after.request.status).toBe("active");
    expect(after.events.map((e) => e.kind)).toEqual([
      "drafted",
      "signed",
      "validated",
      "requested",
      "confirmed",
      "activated",
    ]);
    const leadAfter = await db.query(`SELECT stage::text, customer_id FROM crm_lead WHERE id = $1`, [
      after.request.leadId,
    ]);
    expect(leadAfter.rows[0]).toEqual({ stage: "active", customer_id: contract.rows[0].customer_id });
    const trail = await db.query(`SELECT body FROM crm_activity WHERE lead_id = $1 ORDER BY id`, [
      after.request.leadId,
    ]);
    expect(trail.rows.map((r) => r.body.split(" (")[0])).toEqual([
      "signed supply contract " + after.request.reference,
      "signed → switching",
      "switching → active",
    ]);
    // withdrawal after activation is refused; the audit trail cannot be edited
    await expect(withdrawOwnSwitchRequest(db, prospect, { requestId: id }, meta())).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(db.query(`DELETE FROM switch_event WHERE request_id = $1`, [id])).rejects.toThrow(
      /append-only/,
    );
    const audits = await db.query(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`, [id]);
    expect(audits.rows.map((r) => r.action)).toEqual([
      "switch.validate",
      "switch.message.send",
      "switch.confirm",
    ]);
  });
});

describe("withdrawal", () => {
  it("is allowed within 14 days and sends a cancellation once the distributor has the request", async () => {
    const id = await draft({ podIdentifier: PODS.malo3 });
    expect(await sign(id)).toMatchObject({ ok: true });
    await validateSwitchRequest(db, admin, { requestId: id });
    await sendSwitchMessage(db, admin, { requestId: id, distributorId: SWITCH_DISTRIBUTOR.id });
    // someone else's wallet cannot withdraw it
    await expect(
      withdrawOwnSwitchRequest(db, { address: account(3).address.toLowerCase() }, { requestId: id }, meta()),
    ).rejects.toMatchObject({ code: "not_found" });
    // last moment of the period: 6 Dec 23:59:59.999 UTC+1
    const result = await withdrawOwnSwitchRequest(
      db,
      prospect,
      { requestId: id },
      meta(new Date("2026-12-06T22:59:59.999Z")),
    );
    expect(result).toMatchObject({ ok: true });
    const { request, messages, events } = await getSwitchRequest(db, admin, id);
    expect(request.status).toBe("withdrawn");
    expect(messages.map((m) => m.kind)).toEqual(["switch_request", "cancellation"]);
    expect(JSON.parse(messages[1]?.payload ?? "{}")).toMatchObject({
      kind: "cancellation",
      reason: "withdrawn by the customer",
    });
    expect(events.map((e) => e.kind).slice(-2)).toEqual(["cancellation_sent", "withdrawn"]);
    const lead = await db.query(`SELECT stage::text FROM crm_lead WHERE id = $1`, [request.leadId]);
    expect(lead.rows[0]?.stage).toBe("lost");
  });

  it("is refused after the 14 days (server-side), and a rejection frees the POD", async () => {
    const id = await draft({ podIdentifier: PODS.malo3 }); // free again: the previous request was withdrawn
    expect(await sign(id)).toMatchObject({ ok: true });
    await expect(
      withdrawOwnSwitchRequest(db, prospect, { requestId: id }, meta(new Date("2026-12-06T23:00:00Z"))),
    ).rejects.toMatchObject({ code: "conflict", message: "the withdrawal period has ended" });
    expect(await rejectSwitchRequest(db, admin, { requestId: id, reason: "" })).toMatchObject({
      ok: false,
      fieldErrors: { reason: "admin.switching.form.reasonRequired" },
    });
    expect(
      await rejectSwitchRequest(db, admin, { requestId: id, reason: "POD belongs to a heat pump tariff" }),
    ).toMatchObject({
      ok: true,
    });
    expect(
      await createSwitchDraft(
        db,
        config,
        SWITCH_PRODUCT.code,
        draftForm({ podIdentifier: PODS.malo3 }),
        meta(),
      ),
    ).toMatchObject({
      ok: true,
    });
  });

  it("activate-due as an admin action audits each activation; the job covers every retailer", async () => {
    async function confirmed(pod: string, effectiveDate: string, meteringKind = "slp"): Promise<string> {
      const id = await draft({ podIdentifier: pod, meteringKind });
      expect(await sign(id)).toMatchObject({ ok: true });
      await validateSwitchRequest(db, admin, { requestId: id });
      await sendSwitchMessage(db, admin, { requestId: id, distributorId: SWITCH_DISTRIBUTOR.id });
      expect(await confirmSwitchRequest(db, admin, { requestId: id, effectiveDate })).toMatchObject({
        ok: true,
      });
      return id;
    }
    const x = await confirmed(malo("4000000001"), "2027-03-01");
    const y = await confirmed(malo("4000000002"), "2027-04-01", "amr");
    const staff = await activateDueForStaff(db, admin, new Date("2027-03-02T12:00:00Z"));
    const refX = (await getSwitchRequest(db, admin, x)).request.reference;
    expect(staff).toEqual({ ok: true, value: { activated: [refX], failed: [] } });
    const audited = await db.query(
      `SELECT actor FROM audit_log WHERE action = 'switch.activate' AND target_id = $1`,
      [x],
    );
    expect(audited.rows).toEqual([{ actor: admin.actor }]);
    // the prospect's wallet is already a customer now: the second contract goes to the same customer
    const job = await activateDueForAllRetailers(db, new Date("2027-04-01T12:00:00Z"));
    const refY = (await getSwitchRequest(db, admin, y)).request.reference;
    expect(job["ret-1"]?.activated.map((a) => a.reference)).toEqual([refY]);
    const owners = await db.query(
      `SELECT DISTINCT customer_id FROM switch_request WHERE id = ANY($1::uuid[])`,
      [[x, y]],
    );
    expect(owners.rowCount).toBe(1);
    const events = (await getSwitchRequest(db, admin, y)).events;
    expect(events.at(-1)).toMatchObject({ kind: "activated", actor: "system" });
    // the declared metering kind becomes the POD's
    const pods = await db.query(
      `SELECT identifier, metering::text FROM pod WHERE identifier = ANY($1) ORDER BY 1`,
      [[malo("4000000001"), malo("4000000002")]],
    );
    expect(pods.rows).toEqual([
      { identifier: malo("4000000001"), metering: "slp" },
      { identifier: malo("4000000002"), metering: "amr" },
    ]);
  });
});
