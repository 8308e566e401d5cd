"use client";

import { useActionState } from "react";
import { issueCommunityRunAction, previewCommunityRunAction } from "./actions.ts";

/** Preview (drafts) and issue buttons for one period of a community. */
export function RunForms({ communityId, start }: { communityId: string; start: string }) {
  const [preview, previewAction, previewing] = useActionState(previewCommunityRunAction, null);
  const [issue, issueAction, issuing] = useActionState(issueCommunityRunAction, null);
  return (
    <div className="form-row">
      <form action={previewAction}>
        <input type="hidden" name="communityId" value={communityId} />
        <input type="hidden" name="start" value={start} />
        <button type="submit" disabled={previewing} data-testid="community-preview">
          Preview {start}
        </button>
      </form>
      <form action={issueAction}>
        <input type="hidden" name="communityId" value={communityId} />
        <input type="hidden" name="start" value={start} />
        <button type="submit" disabled={issuing} data-testid="community-issue">
          Issue {start}
        </button>
      </form>
      <p role="status" data-testid="community-run-status">
        {preview?.ok
          ? `Previewed: ${preview.value.bills} bills${preview.value.complete ? "" : " (held: quarter hours missing)"}`
          : preview
            ? preview.message
            : ""}
        {issue?.ok ? ` Issued ${issue.value.issued} invoices.` : issue ? ` ${issue.message}` : ""}
      </p>
    </div>
  );
}
