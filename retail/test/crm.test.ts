// CRM use cases against a real database: a lead is created, moved through the pipeline and noted,
// each step audited through the port and recorded as an activity; another retailer's lead is
// `not_found`, bad input a field error.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addLeadNote,
  changeLeadStage,
  createLead,
  getLead,
  listLeads,
  pipelineCounts,
} from "../src/crm/leads.ts";
import { createRetailTestDb, RETAILER, type RetailTestDb, staff } from "./fixtures.ts";

let t: RetailTestDb;
let pool: pg.Pool;

beforeAll(async () => {
  t = await createRetailTestDb("retail_crm");
  pool = t.pool;
});
afterAll(async () => t?.close());

describe("CRM (retail use cases)", () => {
  it("creates, moves and notes a lead; every step audited and on the lead's activities", async () => {
    const agent = staff();
    const created = await createLead(pool, agent, {
      name: "Lena Lead",
      email: "lena@example.org",
      kind: "b2b",
    });
    if (!created.ok) throw new Error(JSON.stringify(created));
    const { leadId } = created.value;
    expect(await changeLeadStage(pool, agent, { leadId, stage: "qualified" })).toEqual({
      ok: true,
      value: { leadId, stage: "qualified" },
    });
    expect((await addLeadNote(pool, agent, { leadId, kind: "call", body: "wants a quote" })).ok).toBe(true);
    expect(agent.entries.map((e) => e.action)).toEqual([
      "crm.lead.create",
      "crm.lead.stage",
      "crm.lead.note",
    ]);

    const { lead, activities } = await getLead(pool, { retailerId: RETAILER }, leadId);
    expect(lead).toMatchObject({ name: "Lena Lead", kind: "b2b", stage: "qualified" });
    expect(activities.map((a) => [a.kind, a.body])).toEqual([
      ["call", "wants a quote"],
      ["stage_change", "new → qualified"],
    ]);
    expect((await listLeads(pool, { retailerId: RETAILER }, { q: "lena" })).map((l) => l.id)).toEqual([
      leadId,
    ]);
    expect((await pipelineCounts(pool, { retailerId: RETAILER })).qualified).toBe(1);
  });

  it("refuses another retailer's lead as not_found and bad input as field errors, writing nothing", async () => {
    const created = await createLead(pool, staff(), { name: "Max Mine" });
    if (!created.ok) throw new Error(JSON.stringify(created));
    const { leadId } = created.value;
    const other = staff("ret-2");
    await expect(changeLeadStage(pool, other, { leadId, stage: "lost" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(getLead(pool, { retailerId: "ret-2" }, leadId)).rejects.toMatchObject({ code: "not_found" });
    expect(await createLead(pool, other, { name: "", email: "not-an-address" })).toEqual({
      ok: false,
      error: "bad_request",
      message: "invalid input",
      fieldErrors: { name: "admin.crm.form.nameRequired", email: "admin.crm.form.emailInvalid" },
    });
    expect(other.entries).toEqual([]);
    expect((await getLead(pool, { retailerId: RETAILER }, leadId)).lead.stage).toBe("new");
  });
});
