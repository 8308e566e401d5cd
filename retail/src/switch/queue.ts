import { canTransition, SWITCH_STATUSES, type SwitchStatus } from "@c4e/domain";
import type { Queryable } from "@c4e/prisma";
import { z } from "zod";
import { RetailError, UUID } from "../errors.ts";
import type { StaffContext } from "../staff.ts";
import {
  type DistributorMessageView,
  distributorMessages,
  selectSwitchRequests,
  type SwitchEventView,
  type SwitchRequestView,
  switchEvents,
} from "./store.ts";

/** Staff reads are scoped to one retailer. */
export type RetailerScope = Pick<StaffContext, "retailerId">;

export const switchFilter = z.object({
  status: z.enum(SWITCH_STATUSES).optional(),
  q: z.string().trim().max(100).optional(),
});

/** The retailer's signed requests (drafts stay out of the queue), filtered by status and a search text. */
export async function listSwitchRequests(
  db: Queryable,
  scope: RetailerScope,
  filter: unknown = {},
): Promise<SwitchRequestView[]> {
  const f = switchFilter.safeParse(filter);
  const { status, q } = f.success ? f.data : {};
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return selectSwitchRequests(
    db,
    `r.retailer_id = $1 AND r.status <> 'draft'
     AND ($2::text IS NULL OR r.status::text = $2)
     AND ($3::text IS NULL OR r.reference ILIKE $3 OR r.full_name ILIKE $3 OR r.pod_identifier ILIKE $3 OR r.email ILIKE $3)`,
    [scope.retailerId, status ?? null, pattern],
  );
}

/** Counts per status of the retailer's requests. */
export async function switchStatusCounts(
  db: Queryable,
  scope: RetailerScope,
): Promise<Record<SwitchStatus, number>> {
  const { rows } = await db.query<{ status: SwitchStatus; n: number }>(
    `SELECT status::text AS status, count(*)::int AS n FROM switch_request WHERE retailer_id = $1 GROUP BY status`,
    [scope.retailerId],
  );
  const counts = Object.fromEntries(SWITCH_STATUSES.map((s) => [s, 0])) as Record<SwitchStatus, number>;
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

/** One of the retailer's requests with its audit trail and distributor messages (`not_found` otherwise). */
export async function getSwitchRequest(
  db: Queryable,
  scope: RetailerScope,
  requestId: string,
): Promise<{ request: SwitchRequestView; events: SwitchEventView[]; messages: DistributorMessageView[] }> {
  const request = await loadOwn(db, scope, requestId);
  const [events, messages] = await Promise.all([
    switchEvents(db, requestId),
    distributorMessages(db, requestId),
  ]);
  return { request, events, messages };
}

/** The distributors a message can go to. */
export async function listDistributors(db: Queryable): Promise<{ id: string; code: string; name: string }[]> {
  const { rows } = await db.query<{ id: string; code: string; name: string }>(
    `SELECT id, code, name FROM distributor ORDER BY name, id`,
  );
  return rows;
}

/** One of the retailer's signed requests, row-locked with `lock` (`not_found` otherwise). */
export async function loadOwn(
  db: Queryable,
  scope: RetailerScope,
  requestId: string,
  lock = false,
): Promise<SwitchRequestView> {
  if (!UUID.test(requestId)) throw new RetailError("not_found", "no such switch request");
  if (lock)
    await db.query(`SELECT 1 FROM switch_request WHERE id = $1::uuid AND retailer_id = $2 FOR UPDATE`, [
      requestId,
      scope.retailerId,
    ]);
  const [request] = await selectSwitchRequests(
    db,
    `r.id = $1::uuid AND r.retailer_id = $2 AND r.status <> 'draft'`,
    [requestId, scope.retailerId],
  );
  if (!request) throw new RetailError("not_found", "no such switch request");
  return request;
}

/** `conflict` unless the request's status may become `to` (the domain's state machine). */
export function mustTransition(request: SwitchRequestView, to: SwitchStatus): void {
  if (!canTransition(request.status, to))
    throw new RetailError("conflict", `a ${request.status} request cannot become ${to}`);
}

/** The retailer's IANA time zone (dates of the switch are local to it). */
export async function retailerTimeZone(db: Queryable, retailerId: string): Promise<string> {
  const { rows } = await db.query<{ time_zone: string }>(`SELECT time_zone FROM retailer WHERE id = $1`, [
    retailerId,
  ]);
  return rows[0]?.time_zone ?? "Europe/Berlin";
}
