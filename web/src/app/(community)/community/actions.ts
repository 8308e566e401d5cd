"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { type ActionResult, invalid, runAction } from "@/server/core/action-result.ts";
import { getSession } from "@/server/core/auth.ts";
import { authorizeStaff } from "@/server/core/authz.ts";
import { getServerContext } from "@/server/core/context.ts";
import { managerIssue, managerPreview } from "@/server/community/manager.ts";

// Server actions of the community pages (property managers): preview a period's bills as drafts in
// billing's invoice store, and issue them. Both audited; the period is the community's billing cycle
// starting on `start`.

const periodInput = z.object({ communityId: z.string().min(1), start: z.string().regex(/^\d{4}-\d{2}-01$/) });
const fields = (form: FormData) =>
  Object.fromEntries([...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string"));

/** Computes the period's bills and stores them as drafts (replacing an earlier preview). */
export async function previewCommunityRunAction(
  _previous: ActionResult<{ runId: string; complete: boolean; bills: number }> | null,
  form: FormData,
): Promise<ActionResult<{ runId: string; complete: boolean; bills: number }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "community.write");
    const input = periodInput.safeParse(fields(form));
    if (!input.success) return invalid(input.error);
    const value = await managerPreview(getServerContext().db, scope, input.data);
    revalidatePath(`/community/${input.data.communityId}`);
    return { ok: true, value };
  });
}

/** Issues the previewed period (refused while quarter hours are missing). */
export async function issueCommunityRunAction(
  _previous: ActionResult<{ runId: string; issued: number }> | null,
  form: FormData,
): Promise<ActionResult<{ runId: string; issued: number }>> {
  return runAction(async () => {
    const scope = authorizeStaff(await getSession(), "community.write");
    const input = periodInput.safeParse(fields(form));
    if (!input.success) return invalid(input.error);
    const value = await managerIssue(getServerContext().db, scope, input.data);
    revalidatePath(`/community/${input.data.communityId}`);
    return { ok: true, value };
  });
}
