import { DRAFT_RETENTION_DAYS } from "@c4e/retail/switch/draft";
import { runSwitchHousekeeping } from "@c4e/retail/switch/housekeeping";
import { getPool } from "@/server/core/db.ts";
import { runPeriodically } from "@/server/core/periodic.ts";

const holder = globalThis as typeof globalThis & { __c4eSwitchActivation?: { stop: () => Promise<void> } };

/**
 * Starts the supplier-switch activation inside the web server process (once per process): every
 * `minutes`, `runSwitchHousekeeping` (@c4e/retail) activates the confirmed requests whose effective
 * date has come and deletes stale unsigned drafts. `npm start` leaves this to the job worker
 * (SWITCH_ACTIVATION_MINUTES=0 for the web); several processes may run it safely.
 */
export function startSwitchActivation(minutes: number): void {
  if (holder.__c4eSwitchActivation) return;
  holder.__c4eSwitchActivation = runPeriodically(
    async () => {
      const { activated, purgedDrafts } = await runSwitchHousekeeping(getPool(), new Date());
      for (const [retailerId, r] of Object.entries(activated)) {
        for (const a of r.activated)
          console.log(
            `[web] switch ${a.reference} activated (retailer ${retailerId}, contract ${a.contractId})`,
          );
        for (const f of r.failed)
          console.error(`[web] switch ${f.reference} not activated (retailer ${retailerId}): ${f.reason}`);
      }
      if (purgedDrafts > 0)
        console.log(
          `[web] ${purgedDrafts} unsigned switch drafts older than ${DRAFT_RETENTION_DAYS} days deleted`,
        );
    },
    {
      intervalMs: minutes * 60_000,
      firstDelayMs: 10_000,
      onError: (error) =>
        console.error("[web] switch activation failed:", error instanceof Error ? error.message : error),
    },
  );
}
