// Staff and partner roles (admin-users.ts): who may be granted a role, disabling ends sessions at once,
// an admin cannot disable or re-role themselves, every change is audited; the partners overview shows
// each partner exactly its own portal data. Real Postgres, no chain (the on-chain role read is covered
// by the browser test and degrades to "unknown" here).
import { createPool } from "@c4e/prisma/connection";
import type pg from "pg";
import { getAddress } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@c4e/stack/testing/index";
import { partnerRolesOnChain, listPartnersOverview } from "@/server/admin/partners.ts";
import { grantRole, listWebUsers, setUserDisabled } from "@/server/admin/users.ts";
import type { StaffScope } from "@/server/core/authz.ts";
import { createChainClient } from "@/server/core/chain.ts";
import { createSession, readSession } from "@/server/core/session.ts";
import { seedStaff } from "./demo-seed.ts";
import { A, account, CHAIN_ID, seedCustomers } from "./fixtures.ts";

let db: pg.Pool;
let drop: () => Promise<void>;
const ADMIN = account(0).address.toLowerCase();
const admin: StaffScope = { retailerId: "ret-1", actor: ADMIN, role: "retailer_admin" };
const otherAdmin: StaffScope = {
  retailerId: "ret-2",
  actor: account(9).address.toLowerCase(),
  role: "retailer_admin",
};
const PERKS = "0x00000000000000000000000000000000000000b1";

beforeAll(async () => {
  const database = await createTestDatabase("web_admin_users");
  drop = database.drop;
  db = createPool({ url: database.url, max: 4 });
  await seedCustomers(db);
  await seedStaff(db);
  await db.query(`INSERT INTO retailer (id, name) VALUES ('ret-2', 'Other Retail')`);
  await db.query(
    `INSERT INTO web_user (address, retailer_id, role, name) VALUES ($1, 'ret-2', 'retailer_admin', 'Rita Other')`,
    [otherAdmin.actor],
  );
});

afterAll(async () => {
  await db?.end();
  await drop?.();
});

const auditOf = async (action: string) =>
  (
    await db.query<{ actor: string; target_id: string; detail: unknown }>(
      "SELECT actor, target_id, detail FROM audit_log WHERE action = $1 ORDER BY id",
      [action],
    )
  ).rows;

describe("granting a role", () => {
  it("grants a role to a new address (checksummed input stored lower-case) and audits it", async () => {
    const fresh = account(11).address; // EIP-55 mixed case
    const result = await grantRole(db, admin, { address: fresh, name: " Nia New ", role: "partner" });
    expect(result).toEqual({ ok: true, value: { address: fresh, role: "partner", changed: false } });
    const users = await listWebUsers(db, admin);
    expect(users.find((u) => u.address === fresh)).toMatchObject({
      name: "Nia New",
      role: "partner",
      grantedBy: getAddress(ADMIN),
      disabledAt: null,
    });
    expect(await auditOf("web_user.grant")).toEqual([
      { actor: ADMIN, target_id: fresh.toLowerCase(), detail: { role: "partner", name: "Nia New" } },
    ]);
    // the new partner signs in with the role
    const { session } = await createSession(db, { address: fresh, chainId: CHAIN_ID, ttlHours: 1 });
    expect(session).toMatchObject({ role: "partner", retailerId: "ret-1" });
  });

  it("refuses bad input at its field", async () => {
    const good = account(12).address;
    const cases: [Record<string, string>, string, string][] = [
      [{ address: "0x1234", name: "X", role: "partner" }, "address", "admin.users.error.addressFormat"],
      [
        { address: "not an address", name: "X", role: "partner" },
        "address",
        "admin.users.error.addressFormat",
      ],
      [{ address: good, name: "", role: "partner" }, "name", "admin.users.error.name"],
      [{ address: good, name: "X", role: "prosumer" }, "role", "admin.users.error.role"],
      [{ address: good, name: "X", role: "superuser" }, "role", "admin.users.error.role"],
    ];
    for (const [input, field, key] of cases) {
      const result = await grantRole(db, admin, input);
      expect(result, JSON.stringify(input)).toMatchObject({ ok: false, error: "bad_request", status: 400 });
      expect(!result.ok && result.fieldErrors?.[field]).toBe(key);
    }
    // a checksum typo: flip the case of one hex letter of a checksummed address
    const at = [...good].findIndex((c, i) => i > 1 && /[a-fA-F]/.test(c));
    const typo =
      good.slice(0, at) +
      (good[at] === good[at]?.toUpperCase() ? good[at]?.toLowerCase() : good[at]?.toUpperCase()) +
      good.slice(at + 1);
    const r = await grantRole(db, admin, { address: typo, name: "X", role: "partner" });
    expect(!r.ok && r.fieldErrors?.address).toBe("admin.users.error.addressChecksum");
    // all lower case carries no checksum and is accepted
    expect(
      await grantRole(db, admin, { address: good.toLowerCase(), name: "Lou Lower", role: "retailer_agent" }),
    ).toMatchObject({ ok: true });
  });

  it("refuses a customer's wallet, another retailer's staff and the admin's own address", async () => {
    const customer = await grantRole(db, admin, { address: A.wallet, name: "Alice", role: "partner" });
    expect(customer).toMatchObject({
      ok: false,
      error: "conflict",
      fieldErrors: { address: "admin.users.error.customerWallet" },
    });
    const other = await grantRole(db, admin, {
      address: otherAdmin.actor,
      name: "Rita",
      role: "retailer_agent",
    });
    expect(other).toMatchObject({
      ok: false,
      error: "conflict",
      fieldErrors: { address: "admin.users.error.otherRetailer" },
    });
    const self = await grantRole(db, admin, { address: ADMIN, name: "Ada", role: "retailer_agent" });
    expect(self).toMatchObject({ ok: false, fieldErrors: { address: "admin.users.error.self" } });
    const rita = await db.query("SELECT retailer_id, role::text FROM web_user WHERE address = $1", [
      otherAdmin.actor,
    ]);
    expect(rita.rows).toEqual([{ retailer_id: "ret-2", role: "retailer_admin" }]);
  });

  it("changes the role of an existing user of the retailer, which ends their sessions", async () => {
    const agent = account(6).address;
    const { token } = await createSession(db, { address: agent, chainId: CHAIN_ID, ttlHours: 1 });
    expect(await readSession(db, token)).toMatchObject({ role: "retailer_agent" });
    const same = await grantRole(db, admin, { address: agent, name: "Aga Agent", role: "retailer_agent" });
    expect(same).toMatchObject({ ok: false, fieldErrors: { role: "admin.users.error.sameRole" } });
    expect(
      await grantRole(db, admin, { address: agent, name: "Aga Agent", role: "property_manager" }),
    ).toMatchObject({
      ok: true,
      value: { changed: true, role: "property_manager" },
    });
    expect(await readSession(db, token)).toBeNull();
    expect(await auditOf("web_user.role_change")).toEqual([
      {
        actor: ADMIN,
        target_id: agent.toLowerCase(),
        detail: { from: "retailer_agent", to: "property_manager", name: "Aga Agent" },
      },
    ]);
  });
});

describe("disabling a user", () => {
  it("ends the user's live session at once; re-enabling does not revive it; both audited", async () => {
    const manager = account(7).address;
    const { token } = await createSession(db, { address: manager, chainId: CHAIN_ID, ttlHours: 1 });
    expect(await readSession(db, token)).toMatchObject({ role: "property_manager" });
    expect(await setUserDisabled(db, admin, { address: manager, disabled: "true" })).toEqual({
      ok: true,
      value: { address: manager, disabled: true },
    });
    expect(await readSession(db, token)).toBeNull();
    // a new sign-in of the disabled wallet gets no staff role
    const again = await createSession(db, { address: manager, chainId: CHAIN_ID, ttlHours: 1 });
    expect(again.session.role).toBe("guest");
    expect((await listWebUsers(db, admin)).find((u) => u.address === manager)?.disabledAt).not.toBeNull();

    expect(await setUserDisabled(db, admin, { address: manager, disabled: "false" })).toMatchObject({
      ok: true,
    });
    expect(await readSession(db, token)).toBeNull(); // the old session stays revoked
    const fresh = await createSession(db, { address: manager, chainId: CHAIN_ID, ttlHours: 1 });
    expect(await readSession(db, fresh.token)).toMatchObject({ role: "property_manager" });
    expect((await auditOf("web_user.disable")).map((r) => r.target_id)).toEqual([manager.toLowerCase()]);
    expect((await auditOf("web_user.enable")).map((r) => r.target_id)).toEqual([manager.toLowerCase()]);
  });

  it("refuses to disable oneself and another retailer's user (not_found)", async () => {
    expect(await setUserDisabled(db, admin, { address: ADMIN, disabled: "true" })).toMatchObject({
      ok: false,
      fieldErrors: { address: "admin.users.error.disableSelf" },
    });
    await expect(
      setUserDisabled(db, admin, { address: otherAdmin.actor, disabled: "true" }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      setUserDisabled(db, otherAdmin, { address: account(6).address, disabled: "true" }),
    ).rejects.toMatchObject({ code: "not_found" });
    const live = await db.query("SELECT count(*)::int AS n FROM web_user WHERE disabled_at IS NOT NULL");
    expect(live.rows[0]).toEqual({ n: 0 });
  });
});

describe("partners overview", () => {
  it("lists the retailer's partners with their own portal data only", async () => {
    const cols = "chain_id, block_number, block_hash, tx_hash, log_index, block_time";
    const partner = account(5).address.toLowerCase();
    await db.query(
      `INSERT INTO perk_created (${cols}, contract, perk_id, partner, price, supply, valid_from, valid_until, burn_tokens, name)
       VALUES ($1, 5, '0xb', '0xp1', 1, now(), $2, 1, $3, 5000000000000000000, 100, 0, 4102444800, false, 'Panel cleaning'),
              ($1, 5, '0xb', '0xp2', 2, now(), $2, 2, $4, 1, 100, 0, 4102444800, false, 'Stranger perk')`,
      [CHAIN_ID, PERKS, partner, account(8).address.toLowerCase()],
    );
    const overview = await listPartnersOverview(db, admin, { chainId: CHAIN_ID, perksAddress: PERKS });
    expect(overview.map((p) => [p.name, p.view.perks.map((x) => x.name)])).toEqual([
      ["Nia New", []],
      ["Pia Partner", ["Panel cleaning"]],
    ]);
    expect(await listPartnersOverview(db, otherAdmin, { chainId: CHAIN_ID, perksAddress: PERKS })).toEqual(
      [],
    );
  });

  it("reports the on-chain role as unknown when the chain cannot be read", async () => {
    const client = createChainClient({ rpcUrl: "http://127.0.0.1:9/", chainId: CHAIN_ID }, 500);
    const who = account(5).address;
    const result = await partnerRolesOnChain(client, PERKS, [who]);
    expect(result).toEqual({ role: null, held: new Map([[who, null]]) });
    expect((await partnerRolesOnChain(client, null, [who])).held.get(who)).toBeNull();
  });
});
