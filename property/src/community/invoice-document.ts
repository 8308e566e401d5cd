// A community bill as a PDF: billing's invoice document (renderInvoicePdf) with the community's
// owner as the seller. Tenant-scoped: an invoice of another manager's community is not found.
import { renderInvoicePdf } from "@c4e/billing/invoice-pdf";
import { loadInvoice } from "@c4e/billing/invoice-store";
import type { Queryable } from "@c4e/prisma";
import { getCommunity } from "./communities.ts";
import { CommunityError, type ManagerContext } from "./errors.ts";

/** The community an invoice of a community run belongs to (undefined when it is none). */
export async function communityOfInvoice(db: Queryable, invoiceId: string): Promise<string | undefined> {
  const r = await db.query<{ community_id: string }>(
    `SELECT r.community_id FROM community_run_item i JOIN community_run r ON r.id = i.run_id WHERE i.invoice_id::text = $1`,
    [invoiceId],
  );
  return r.rows[0]?.community_id;
}

export async function communityInvoicePdf(
  db: Queryable,
  ctx: ManagerContext,
  invoiceId: string,
): Promise<Buffer> {
  const communityId = await communityOfInvoice(db, invoiceId);
  if (!communityId) throw new CommunityError("not_found", `invoice ${invoiceId} not found`);
  const community = await getCommunity(db, ctx, communityId);
  const stored = await loadInvoice(db, invoiceId);
  if (!stored) throw new CommunityError("not_found", `invoice ${invoiceId} not found`);
  return renderInvoicePdf(stored, {
    name: community.ownerName,
    address: community.ownerAddress,
    registration: community.name,
  });
}
