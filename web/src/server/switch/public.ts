import * as draft from "@c4e/retail/switch/draft";
import * as own from "@c4e/retail/switch/own-requests";
import * as sign from "@c4e/retail/switch/sign";
import type pg from "pg";
import type { ServerConfig } from "@/env.ts";
import type { ActionResult } from "@/server/core/action-result.ts";
import type { SignerScope } from "@/server/core/authz.ts";
import { fromRetail, retailAction } from "@/server/core/retail.ts";
import type { Queryable } from "@c4e/prisma";
import { publicRetailerId, publishedProduct } from "@/server/public/catalogue.ts";

// The public switch's calls into @c4e/retail (switch/draft.ts, sign.ts, own-requests.ts hold the use
// cases): the public catalogue picks the retailer and product, a RetailError becomes an AppError.

export {
  DRAFT_RETENTION_DAYS,
  DRAFT_TTL_HOURS,
  type DraftMeta,
  draftLimitExceeded,
  draftTypedData,
  purgeStaleDrafts,
  switchDraftInput,
} from "@c4e/retail/switch/draft";
export { signInput } from "@c4e/retail/switch/sign";
export { normalizeName } from "@c4e/domain";

/**
 * Stores a prospect's draft for the product `productCode` of the public catalogue (latest published
 * version); field errors, or `too_many_requests` beyond the draft limits.
 */
export async function createSwitchDraft(
  pool: pg.Pool,
  config: Pick<ServerConfig, "publicRetailerId" | "switchDraftLimits">,
  productCode: string,
  input: unknown,
  meta: draft.DraftMeta,
): Promise<ActionResult<{ draftId: string }>> {
  const retailerId = await publicRetailerId(pool, config);
  const product = await publishedProduct(pool, retailerId, productCode);
  return retailAction(() =>
    draft.createSwitchDraft(pool, { retailerId, product, limits: config.switchDraftLimits }, input, meta),
  );
}

/** A draft that may still be previewed and signed (`not_found` otherwise: unknown, signed, expired). */
export const getSwitchDraft = (db: Queryable, draftId: string) =>
  fromRetail(() => draft.getSwitchDraft(db, draftId));

/** Signs a draft with the wallet's EIP-712 signature and the typed full name (verified server-side). */
export const signSwitchDraft = (
  pool: pg.Pool,
  config: Pick<ServerConfig, "chainId">,
  input: unknown,
  meta: draft.DraftMeta,
): Promise<ActionResult<{ reference: string; requestId: string }>> =>
  retailAction(() => sign.signSwitchDraft(pool, config, input, meta));

/** The requests the signer's wallet signed, each with its trail (newest first). */
export const ownSwitchRequests = (db: Queryable, scope: SignerScope) =>
  fromRetail(() => own.ownSwitchRequests(db, scope));

/** One request the signer's wallet signed (`not_found` for anyone else's). */
export const ownSwitchRequest = (db: Queryable, scope: SignerScope, requestId: string) =>
  fromRetail(() => own.ownSwitchRequest(db, scope, requestId));

/** The signer withdraws a request within the 14-day period. */
export const withdrawOwnSwitchRequest = (
  pool: pg.Pool,
  scope: SignerScope,
  input: unknown,
  meta: draft.DraftMeta,
): Promise<ActionResult<{ requestId: string }>> =>
  retailAction(() => own.withdrawOwnSwitchRequest(pool, scope, input, meta));

/** The preview PDF of a draft (anyone holding the draft's unguessable id, until it is signed or expires). */
export const draftPdf = (db: Queryable, draftId: string) => fromRetail(() => draft.draftPdf(db, draftId));

/** The signed contract PDF of one of the signer's requests. */
export const ownRequestPdf = (db: Queryable, scope: SignerScope, requestId: string) =>
  fromRetail(() => own.ownRequestPdf(db, scope, requestId));
