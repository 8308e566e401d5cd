// The switch-activation job's handler: the supplier switch's periodic run (@c4e/retail), as actor
// `system`. The use case does the work and is tested without the queue (retail/test).
import type { JobHandler } from "@c4e/billing/jobs/handlers";
import { runSwitchHousekeeping } from "@c4e/retail/switch/housekeeping";

/**
 * Activates every retailer's due switch requests and deletes stale unsigned drafts; resolves to the
 * summary (activated and failed per retailer, purged drafts).
 */
export const switchActivationHandler: JobHandler<"switch-activation"> = async (_payload, ctx) => {
  const summary = await runSwitchHousekeeping(ctx.pool, new Date());
  for (const [retailerId, r] of Object.entries(summary.activated))
    for (const f of r.failed)
      ctx.log(`switch ${f.reference} not activated (retailer ${retailerId}): ${f.reason}`);
  return summary;
};
