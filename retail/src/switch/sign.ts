import {
  canTransition,
  hashContractDocument,
  localDateOf,
  normalizeName,
  sameSignerName,
  type SwitchStatus,
  withdrawalDeadlineMs,
} from "@c4e/domain";
import { withTransaction } from "@c4e/prisma";
import type pg from "pg";
import { type Address, getAddress, isAddress, isHex, verifyTypedData } from "viem";
import { z } from "zod";
import { openSignedLead } from "../crm/switch-leads.ts";
import { fieldFailure, invalid, RetailError, type RetailResult } from "../errors.ts";
import { type DraftMeta, draftTypedData, getSwitchDraft } from "./draft.ts";
import { addSwitchEvent, POD_CONFLICT_MESSAGE, podConflict } from "./store.ts";

export const signInput = z.object({
  draftId: z.string(),
  fullName: z.string().trim().min(1, "switch.sign.nameRequired").max(200, "switch.form.error.tooLong"),
  signer: z.string().refine((v) => isAddress(v, { strict: false }), "switch.sign.badSigner"),
  signature: z
    .string()
    .refine((v) => isHex(v) && v.length >= 132 && v.length <= 1000, "switch.sign.badSignature"),
});

/**
 * Signs a draft: the typed full name must be the draft's name; the EIP-712 signature must verify for
 * the signer over the server's typed data (hash re-computed from the stored document, the app's
 * chain id). Stores signer, signature, time, IP and user agent, the withdrawal deadline, a CRM lead in
 * stage `signed`, and the `signed` event.
 */
export async function signSwitchDraft(
  pool: pg.Pool,
  config: { chainId: number },
  input: unknown,
  meta: DraftMeta,
): Promise<RetailResult<{ reference: string; requestId: string }>> {
  const parsed = signInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { draftId, fullName, signature } = parsed.data;
  const signer = getAddress(parsed.data.signer);
  const draft = await getSwitchDraft(pool, draftId);
  if (!sameSignerName(fullName, draft.fullName))
    return fieldFailure({ fullName: "switch.sign.nameMismatch" });
  const recomputed = hashContractDocument(draft.document);
  if (recomputed.hash !== draft.contractHash)
    throw new Error(`switch draft ${draftId}: stored hash does not match its document`);
  // the message carries the name as the customer typed it (same name, maybe other case or spacing)
  const typed = draftTypedData(draft, config.chainId, fullName);
  const valid = await verifyTypedData({
    address: signer as Address,
    signature: signature as `0x${string}`,
    ...typed,
  }).catch(() => false);
  if (!valid) return fieldFailure({ signature: "switch.sign.badSignature" });

  return withTransaction(pool, async (db) => {
    // one signer at a time per POD: the open-request check below and the update are atomic
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('switch-pod:' || $1))`, [draft.podIdentifier]);
    const locked = await db.query<{ status: SwitchStatus; time_zone: string }>(
      `SELECT r.status::text AS status, t.time_zone FROM switch_request r JOIN retailer t ON t.id = r.retailer_id
        WHERE r.id = $1::uuid FOR UPDATE OF r`,
      [draftId],
    );
    const row = locked.rows[0];
    if (!row || !canTransition(row.status, "signed")) throw new RetailError("not_found", "no such draft");
    const conflict = await podConflict(
      db,
      draft.podIdentifier,
      localDateOf(meta.now.getTime(), row.time_zone),
      draftId,
    );
    if (conflict)
      return fieldFailure<{ reference: string; requestId: string }>({
        podIdentifier: POD_CONFLICT_MESSAGE[conflict],
      });
    const deadline = new Date(
      withdrawalDeadlineMs({ signedAtMs: meta.now.getTime(), timeZone: row.time_zone }),
    );
    const leadId = await openSignedLead(db, {
      retailerId: draft.retailerId,
      name: draft.fullName,
      email: draft.email,
      body: `signed supply contract ${draft.reference} (${draft.productCode} v${draft.productVersion})`,
      author: signer.toLowerCase(),
    });
    await db.query(
      `UPDATE switch_request SET status = 'signed', signer_address = $2, signature = $3, chain_id = $4, signed_at = $5,
              signer_ip = $6, user_agent = $7, withdrawal_deadline = $8, lead_id = $9::uuid, updated_at = now()
        WHERE id = $1::uuid`,
      [
        draftId,
        signer.toLowerCase(),
        signature,
        config.chainId,
        meta.now,
        meta.ip,
        meta.userAgent,
        deadline,
        leadId,
      ],
    );
    await addSwitchEvent(db, draftId, {
      actor: signer.toLowerCase(),
      kind: "signed",
      detail: {
        contractHash: draft.contractHash,
        signer: signer.toLowerCase(),
        chainId: config.chainId,
        typedFullName: normalizeName(fullName),
        userAgent: meta.userAgent,
        withdrawalDeadline: deadline.toISOString(),
      },
      ip: meta.ip,
    });
    return { ok: true as const, value: { reference: draft.reference, requestId: draftId } };
  });
}
