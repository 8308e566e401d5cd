import { type ContractDocument, canTransition, distributorInformed } from "@c4e/domain";
import { renderContractPdf } from "@c4e/billing/contract-pdf";
import { type Queryable, withTransaction } from "@c4e/prisma";
import type pg from "pg";
import { z } from "zod";
import { moveSwitchLead } from "../crm/switch-leads.ts";
import { RetailError, type RetailResult, UUID } from "../errors.ts";
import type { SignerScope } from "../staff.ts";
import { sendCancellation } from "./back-office.ts";
import type { DraftMeta } from "./draft.ts";
import {
  addSwitchEvent,
  selectSwitchRequests,
  type SwitchEventView,
  type SwitchRequestView,
  switchEvents,
} from "./store.ts";

// What a signer sees and may do with the requests their wallet signed: list, read, withdraw within
// the 14-day period, download the signed contract.

/** The requests the signer's wallet signed, each with its trail (newest first). */
export async function ownSwitchRequests(
  db: Queryable,
  scope: SignerScope,
): Promise<(SwitchRequestView & { events: SwitchEventView[] })[]> {
  const requests = await selectSwitchRequests(
    db,
    `r.signer_address = $1 AND r.status <> 'draft'`,
    [scope.address],
    50,
  );
  return Promise.all(
    requests.map(async (r) => ({ ...r, signature: null, events: await switchEvents(db, r.id) })),
  );
}

/** One request the signer's wallet signed (`not_found` for anyone else's). */
export async function ownSwitchRequest(db: Queryable, scope: SignerScope, requestId: string) {
  if (!UUID.test(requestId)) throw new RetailError("not_found", "no such request");
  const [request] = await selectSwitchRequests(
    db,
    `r.id = $1::uuid AND r.signer_address = $2 AND r.status <> 'draft'`,
    [requestId, scope.address],
  );
  if (!request) throw new RetailError("not_found", "no such request");
  const doc = await db.query<{ contract_document: string }>(
    `SELECT contract_document FROM switch_request WHERE id = $1::uuid`,
    [requestId],
  );
  return { ...request, document: JSON.parse(doc.rows[0]?.contract_document ?? "null") as ContractDocument };
}

const withdrawInput = z.object({ requestId: z.string() });

/**
 * The signer withdraws a request within the 14-day period (refused after it, whatever the status).
 * When the distributor already has the switch request, a cancellation message is produced.
 */
export async function withdrawOwnSwitchRequest(
  pool: pg.Pool,
  scope: SignerScope,
  input: unknown,
  meta: DraftMeta,
): Promise<RetailResult<{ requestId: string }>> {
  const parsed = withdrawInput.safeParse(input);
  if (!parsed.success || !UUID.test(parsed.data.requestId))
    throw new RetailError("not_found", "no such request");
  const { requestId } = parsed.data;
  return withTransaction(pool, async (db) => {
    const [request] = await selectSwitchRequests(
      db,
      `r.id = $1::uuid AND r.signer_address = $2 AND r.status <> 'draft'`,
      [requestId, scope.address],
    );
    if (!request) throw new RetailError("not_found", "no such request");
    await db.query(`SELECT 1 FROM switch_request WHERE id = $1::uuid FOR UPDATE`, [requestId]);
    if (!canTransition(request.status, "withdrawn"))
      throw new RetailError("conflict", `a ${request.status} request cannot be withdrawn`);
    if (!request.withdrawalDeadline || meta.now.getTime() >= Date.parse(request.withdrawalDeadline))
      throw new RetailError("conflict", "the withdrawal period has ended");
    if (distributorInformed(request.status))
      await sendCancellation(db, request, "withdrawn by the customer", meta.now);
    await db.query(`UPDATE switch_request SET status = 'withdrawn', updated_at = now() WHERE id = $1::uuid`, [
      requestId,
    ]);
    await addSwitchEvent(db, requestId, {
      actor: scope.address,
      kind: "withdrawn",
      detail: { from: request.status },
      ip: meta.ip,
    });
    await moveSwitchLead(db, request, "lost", scope.address);
    return { ok: true as const, value: { requestId } };
  });
}

/** The signed contract PDF of one of the signer's requests. */
export async function ownRequestPdf(
  db: Queryable,
  scope: SignerScope,
  requestId: string,
): Promise<{ fileName: string; body: Buffer }> {
  const request = await ownSwitchRequest(db, scope, requestId);
  const body = await renderContractPdf(request.document, request.contractHash, {
    signer: request.signerAddress ?? "",
    signedAt: request.signedAt ?? "",
    signature: request.signature ?? "",
    status: request.status,
  });
  return { fileName: `contract-${request.reference}.pdf`, body };
}
