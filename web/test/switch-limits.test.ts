// Supplier-switch hardening against a real database: drafts limited per client address and per POD
// (sliding windows counted in Postgres, holding across connection pools, i.e. web processes), the
// metering kind on the form, in the signed document and on the POD, old (format 1) documents still
// signable, and the purge of stale unsigned drafts.
import { createPool } from "@c4e/prisma/connection";
import { hashContractDocument } from "@c4e/domain";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@c4e/stack/testing/index";
import {
  createSwitchDraft,
  draftTypedData,
  getSwitchDraft,
  purgeStaleDrafts,
  signSwitchDraft,
} from "@/server/switch/public.ts";
import { CHAIN_ID, seedCustomers } from "./fixtures.ts";
import { draftForm, malo, PROSPECT, SWITCH_PRODUCT, seedSwitchCatalogue } from "./switch-fixtures.ts";

const limits = { perIpPerHour: 3, perPodPerDay: 2 };
const config = { publicRetailerId: "ret-1", chainId: CHAIN_ID, switchDraftLimits: limits };
const meta = (ip: string | null) => ({ ip, userAgent: "vitest", now: new Date() });

let db: pg.Pool;
let url: string;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabase("web_switch_limits");
  drop = database.drop;
  url = database.url;
  db = createPool({ url, max: 4 });
  await seedCustomers(db);
  await seedSwitchCatalogue(db);
});

afterAll(async () => {
  await db.end();
  await drop();
});

const draftFor = (pod: string, ip: string | null, pool = db, extra: Record<string, string> = {}) =>
  createSwitchDraft(pool, config, SWITCH_PRODUCT.code, draftForm({ podIdentifier: pod, ...extra }), meta(ip));

const count = async (where: string, params: unknown[]) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM switch_request WHERE ${where}`, params))
    .rows[0]?.n;

describe("draft limits", () => {
  it("refuses a third draft for one POD within 24 hours at the POD field, storing nothing", async () => {
    const pod = malo("5000000001");
    expect(await draftFor(pod, "198.51.100.1")).toMatchObject({ ok: true });
    expect(await draftFor(pod, "198.51.100.2")).toMatchObject({ ok: true });
    expect(await draftFor(pod, "198.51.100.3")).toEqual({
      ok: false,
      error: "too_many_requests",
      status: 429,
      message: "too many drafts for this point of delivery today",
      fieldErrors: { podIdentifier: "switch.form.error.podTooMany" },
    });
    expect(await count("pod_identifier = $1", [pod])).toBe(2);
    // a day later (sliding window) the POD may be drafted again
    await db.query(
      `UPDATE switch_request SET created_at = created_at - interval '24 hours 1 minute' WHERE pod_identifier = $1`,
      [pod],
    );
    expect(await draftFor(pod, "198.51.100.3")).toMatchObject({ ok: true });
  });

  it("refuses a fourth draft from one address within an hour as a form error; an hour later it passes", async () => {
    const ip = "203.0.113.50";
    for (const n of [1, 2, 3]) expect(await draftFor(malo(`500000010${n}`), ip)).toMatchObject({ ok: true });
    const refused = await draftFor(malo("5000000104"), ip);
    expect(refused).toEqual({
      ok: false,
      error: "too_many_requests",
      status: 429,
      message: "too many drafts from this address; try again later",
    });
    expect(await count("client_ip = $1", [ip])).toBe(3);
    // another address is not affected
    expect(await draftFor(malo("5000000104"), "203.0.113.51")).toMatchObject({ ok: true });
    await db.query(
      `UPDATE switch_request SET created_at = created_at - interval '61 minutes' WHERE client_ip = $1`,
      [ip],
    );
    expect(await draftFor(malo("5000000105"), ip)).toMatchObject({ ok: true });
  });

  it("counts requests without a known address in one bucket", async () => {
    for (const n of [1, 2, 3])
      expect(await draftFor(malo(`500000020${n}`), null)).toMatchObject({ ok: true });
    expect(await draftFor(malo("5000000204"), null)).toMatchObject({ error: "too_many_requests" });
  });

  it("holds when two web processes (two pools) draft at the same moment: exactly the limit gets through", async () => {
    const other = createPool({ url, max: 4 });
    try {
      const ip = "192.0.2.99";
      const attempts = [1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
        draftFor(malo(`50000003${String(n).padStart(2, "0")}`), ip, n % 2 === 0 ? db : other),
      );
      const results = await Promise.all(attempts);
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      expect(results.filter((r) => !r.ok && r.error === "too_many_requests")).toHaveLength(5);
      expect(await count("client_ip = $1", [ip])).toBe(3);
    } finally {
      await other.end();
    }
  });
});

describe("metering kind", () => {
  it("is required and checked at its field; the rest of the form is kept by the client", async () => {
    for (const meteringKind of ["", "rlm"]) {
      const result = await draftFor(malo("6000000001"), "192.0.2.10", db, { meteringKind });
      expect(result).toMatchObject({
        ok: false,
        fieldErrors: { meteringKind: "switch.form.error.meteringKind" },
      });
      if (!result.ok) expect(Object.keys(result.fieldErrors ?? {})).toEqual(["meteringKind"]);
    }
  });

  it("is stored, bound by the contract document (format 2) and signed", async () => {
    const result = await draftFor(malo("6000000002"), "192.0.2.11", db, { meteringKind: "amr" });
    if (!result.ok) throw new Error(JSON.stringify(result));
    const draft = await getSwitchDraft(db, result.value.draftId);
    expect(draft.meteringKind).toBe("amr");
    expect(draft.document.format).toBe("c4e-supply-contract/2");
    expect(draft.document.pointOfDelivery.meteringKind).toBe("amr");
    expect(hashContractDocument(draft.document).hash).toBe(draft.contractHash);
  });

  it("a draft with a format 1 document (from before the question) still verifies and signs", async () => {
    const result = await draftFor(malo("6000000003"), "192.0.2.12", db);
    if (!result.ok) throw new Error(JSON.stringify(result));
    const id = result.value.draftId;
    // rewrite it as a pre-hardening draft: format 1, no metering kind, its own hash, column default
    const before = await getSwitchDraft(db, id);
    const { meteringKind: _kind, ...pod } = before.document.pointOfDelivery;
    const old = hashContractDocument({
      ...before.document,
      format: "c4e-supply-contract/1",
      pointOfDelivery: pod,
    });
    await db.query(
      `UPDATE switch_request SET contract_document = $2, contract_hash = $3, metering_kind = DEFAULT WHERE id = $1`,
      [id, old.text, old.hash],
    );
    const draft = await getSwitchDraft(db, id);
    expect(draft.meteringKind).toBe("slp");
    expect(draft.contractHash).toBe(old.hash);
    const signature = await PROSPECT.signTypedData(draftTypedData(draft, CHAIN_ID, draft.fullName));
    expect(
      await signSwitchDraft(
        db,
        config,
        { draftId: id, fullName: draft.fullName, signer: PROSPECT.address, signature },
        meta("192.0.2.12"),
      ),
    ).toMatchObject({ ok: true });
  });
});

describe("stale drafts", () => {
  it("deletes unsigned drafts older than 7 days with their trail; signed requests and younger drafts stay", async () => {
    const make = async (pod: string) => {
      const r = await draftFor(pod, "192.0.2.20");
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.value.draftId;
    };
    const stale = await make(malo("7000000001"));
    const young = await make(malo("7000000002"));
    const signedOld = await make(malo("7000000003"));
    const d = await getSwitchDraft(db, signedOld);
    const signature = await PROSPECT.signTypedData(draftTypedData(d, CHAIN_ID, d.fullName));
    await signSwitchDraft(
      db,
      config,
      { draftId: signedOld, fullName: d.fullName, signer: PROSPECT.address, signature },
      meta("192.0.2.20"),
    );
    await db.query(
      `UPDATE switch_request SET created_at = now() - interval '8 days' WHERE id = ANY($1::uuid[])`,
      [[stale, signedOld]],
    );
    await db.query(`UPDATE switch_request SET created_at = now() - interval '6 days' WHERE id = $1`, [young]);

    expect(await purgeStaleDrafts(db, new Date())).toBe(1);
    expect(await count("id = $1", [stale])).toBe(0);
    expect((await db.query(`SELECT 1 FROM switch_event WHERE request_id = $1`, [stale])).rowCount).toBe(0);
    expect(await count("id = ANY($1::uuid[])", [[young, signedOld]])).toBe(2);
    expect(await purgeStaleDrafts(db, new Date())).toBe(0); // idempotent
    // the trail of a signed request still cannot be deleted
    await expect(db.query(`DELETE FROM switch_event WHERE request_id = $1`, [signedOld])).rejects.toThrow(
      /append-only/,
    );
  });
});
