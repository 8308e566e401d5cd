"use server";

import { revalidatePath } from "next/cache";
import { type ActionResult, runAction } from "@/server/core/action-result.ts";
import {
  createProduct,
  discardDraft,
  publishDraft,
  saveDraft,
  setArchived,
  startDraft,
} from "@/server/admin/products.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";

// Server actions of the product catalogue (retailer admins): session checked against the policy,
// input parsed in the server function, change and audit entry in one transaction (admin-products.ts).

const fields = (form: FormData) =>
  Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string"));

type VersionResult = ActionResult<{ productId: string; version: number }>;

function revalidate(productId?: string) {
  revalidatePath("/admin/products");
  if (productId) revalidatePath(`/admin/products/${productId}`);
  revalidatePath("/products");
}

/** Creates a product with its first draft (version 1). */
export async function createProductAction(
  _previous: ActionResult<{ productId: string }> | null,
  form: FormData,
): Promise<ActionResult<{ productId: string }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "product.write");
    const result = await createProduct(getServerContext().db, scope, fields(form));
    if (result.ok) revalidate(result.value.productId);
    return result;
  });
}

/** Saves the draft's name, description and tariff. */
export async function saveDraftAction(
  _previous: VersionResult | null,
  form: FormData,
): Promise<VersionResult> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "product.write");
    const result = await saveDraft(getServerContext().db, scope, fields(form));
    if (result.ok) revalidate(result.value.productId);
    return result;
  });
}

/** Publishes the draft as the latest version. */
export async function publishDraftAction(
  _previous: VersionResult | null,
  form: FormData,
): Promise<VersionResult> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "product.write");
    const result = await publishDraft(getServerContext().db, scope, fields(form));
    if (result.ok) revalidate(result.value.productId);
    return result;
  });
}

/** Starts a draft from the latest published version. */
export async function startDraftAction(
  _previous: VersionResult | null,
  form: FormData,
): Promise<VersionResult> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "product.write");
    const result = await startDraft(getServerContext().db, scope, fields(form));
    if (result.ok) revalidate(result.value.productId);
    return result;
  });
}

/** Discards the draft (when a published version exists). */
export async function discardDraftAction(
  _previous: VersionResult | null,
  form: FormData,
): Promise<VersionResult> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "product.write");
    const result = await discardDraft(getServerContext().db, scope, fields(form));
    if (result.ok) revalidate(result.value.productId);
    return result;
  });
}

/** Archives a product or brings it back. */
export async function setArchivedAction(
  _previous: ActionResult<{ productId: string; archived: boolean }> | null,
  form: FormData,
): Promise<ActionResult<{ productId: string; archived: boolean }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "product.write");
    const result = await setArchived(getServerContext().db, scope, fields(form));
    if (result.ok) revalidate(result.value.productId);
    return result;
  });
}
