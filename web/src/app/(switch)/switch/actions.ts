"use server";

import { headers } from "next/headers";
import { type ActionResult, runAction } from "@/server/core/action-result.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeSigner } from "@/server/core/authz.ts";
import { clientAddress } from "@/server/core/client-address.ts";
import { getServerContext } from "@/server/core/context.ts";
import {
  createSwitchDraft,
  type DraftMeta,
  signSwitchDraft,
  withdrawOwnSwitchRequest,
} from "@/server/switch/public.ts";

// Server actions of the public supplier switch. Drafting and signing need no session (a prospect has
// no account yet; the EIP-712 signature proves the wallet); withdrawing needs the signer's session.
// Next checks the Origin of every server action request against the host.

const fields = (form: FormData) =>
  Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string"));

/** Time, client address (TCP peer, or X-Forwarded-For per TRUSTED_PROXIES) and user agent of the current request. */
async function requestMeta(): Promise<DraftMeta> {
  const h = await headers();
  const { trustedProxies } = getServerContext().config;
  return {
    ip: clientAddress(h, trustedProxies),
    userAgent: h.get("user-agent")?.slice(0, 500) ?? null,
    now: new Date(),
  };
}

/** Checks the public form and stores a draft for the product `code` (field errors otherwise). */
export async function createSwitchDraftAction(
  _previous: ActionResult<{ draftId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ draftId: string }>> {
  return runAction(async () => {
    const { db, config } = getServerContext();
    const { code = "", ...input } = fields(form);
    return createSwitchDraft(db, config, code, input, await requestMeta());
  });
}

/** Signs a draft with the wallet's EIP-712 signature and the typed full name (verified server-side). */
export async function signSwitchDraftAction(
  _previous: ActionResult<{ reference: string; requestId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ reference: string; requestId: string }>> {
  return runAction(async () => {
    const { db, config } = getServerContext();
    return signSwitchDraft(db, config, fields(form), await requestMeta());
  });
}

/** Withdraws one of the session wallet's requests within the 14-day period. */
export async function withdrawSwitchRequestAction(
  _previous: ActionResult<{ requestId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ requestId: string }>> {
  return runAction(async () => {
    const scope = authorizeSigner(await getSession(), "switch.own");
    return withdrawOwnSwitchRequest(getServerContext().db, scope, fields(form), await requestMeta());
  });
}
