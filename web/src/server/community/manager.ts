// The property manager's community pages and routes: thin over @c4e/property (tenant = the staff
// session's retailer). Previews and issues are audited.
import {
  getCommunityRun,
  issueCommunityRun,
  listCommunityRuns,
  previewCommunityRun,
} from "@c4e/property/community/billing-run";
import {
  getCommunity,
  listCommunities,
  listMeters,
  listTenancies,
  listUnits,
} from "@c4e/property/community/communities";
import { CommunityError } from "@c4e/property/community/errors";
import { exportRunCsv, exportRunXlsx } from "@c4e/property/community/exports";
import { communityInvoicePdf } from "@c4e/property/community/invoice-document";
import type pg from "pg";
import { audit, type StaffScope } from "@/server/core/authz.ts";
import { communityCall } from "./errors.ts";

const ctxOf = (scope: StaffScope) => ({ retailerId: scope.retailerId });

export async function managerCommunities(db: pg.Pool, scope: StaffScope) {
  return communityCall(async () =>
    (await listCommunities(db, ctxOf(scope))).map((c) => ({
      id: c.id,
      name: c.name,
      address: c.address,
      currency: c.currency,
      billingCycle: c.billingCycle,
      standardPricePerKwh: c.standardPricePerKwh,
    })),
  );
}

/** Everything the community page shows: meters with health, units, tenancies, runs and monthly rates. */
export async function managerCommunity(db: pg.Pool, scope: StaffScope, communityId: string, now: Date) {
  return communityCall(async () => {
    const ctx = ctxOf(scope);
    const community = await getCommunity(db, ctx, communityId);
    const [meters, units, tenancies, runs] = await Promise.all([
      listMeters(db, ctx, communityId, now),
      listUnits(db, ctx, communityId),
      listTenancies(db, ctx, communityId),
      listCommunityRuns(db, ctx, communityId),
    ]);
    const summaries = await db.query<{
      months: {
        month: string;
        productionWh: string;
        consumptionWh: string;
        selfSufficiencyPercent: string;
        selfConsumptionPercent: string;
        completeIntervals: number;
        expectedIntervals: number;
      }[];
    }>(
      `SELECT summary->'months' AS months FROM community_run WHERE community_id = $1 ORDER BY period_start`,
      [communityId],
    );
    const months = summaries.rows.flatMap((r) => r.months ?? []);
    return { community, meters, units, tenancies, runs, months };
  });
}

export async function managerRun(db: pg.Pool, scope: StaffScope, runId: string) {
  return communityCall(() => getCommunityRun(db, ctxOf(scope), runId));
}

export async function managerPreview(
  db: pg.Pool,
  scope: StaffScope,
  input: { communityId: string; start: string },
) {
  return communityCall(async () => {
    const run = await previewCommunityRun(db, ctxOf(scope), input);
    await audit(db, scope, {
      action: "community.run.preview",
      targetType: "community_run",
      targetId: run.id,
      detail: { ...input, complete: run.summary.complete },
    });
    return { runId: run.id, complete: run.summary.complete, bills: run.items.length };
  });
}

export async function managerIssue(
  db: pg.Pool,
  scope: StaffScope,
  input: { communityId: string; start: string },
) {
  return communityCall(async () => {
    const ctx = ctxOf(scope);
    const runs = await listCommunityRuns(db, ctx, input.communityId);
    const run = runs.find((r) => r.period.start === input.start);
    if (!run) throw new CommunityError("not_found", `no preview of ${input.start}`);
    const issued = await issueCommunityRun(db, ctx, { runId: run.id });
    await audit(db, scope, {
      action: "community.run.issue",
      targetType: "community_run",
      targetId: run.id,
      detail: { invoices: issued.issued.length },
    });
    return { runId: run.id, issued: issued.issued.length };
  });
}

export async function managerRunXlsx(db: pg.Pool, scope: StaffScope, runId: string) {
  return communityCall(async () => ({
    fileName: `community-run-${runId}.xlsx`,
    body: await exportRunXlsx(db, ctxOf(scope), runId),
  }));
}

export async function managerRunCsv(db: pg.Pool, scope: StaffScope, runId: string) {
  return communityCall(async () => ({
    fileName: `community-run-${runId}.csv`,
    body: Buffer.from(await exportRunCsv(db, ctxOf(scope), runId)),
  }));
}

export async function managerInvoicePdf(db: pg.Pool, scope: StaffScope, invoiceId: string) {
  return communityCall(async () => ({
    fileName: `community-invoice-${invoiceId}.pdf`,
    body: await communityInvoicePdf(db, ctxOf(scope), invoiceId),
  }));
}
