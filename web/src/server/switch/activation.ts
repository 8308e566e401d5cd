import { getPool } from "@/server/core/db.ts";
import { runPeriodically } from "@/server/core/periodic.ts";
import { activateDueForAllRetailers } from "./back-office.ts";
import { DRAFT_RETENTION_DAYS, purgeStaleDrafts } from "./public.ts";

const holder = globalThis as typeof globalThis & { __c4eSwitchActivation?: { stop: () => Promise<void> } };

/**
 * Starts the supplier-switch activation inside the web server process (once per process): every
 * `minutes`, the confirmed requests whose effective date has come become active contracts (as actor
 * `system`, audited), and unsigned drafts older than DRAFT_RETENTION_DAYS are deleted. Several
 * processes may run it: each request is activated under a row lock, once; the purge skips locked rows.
 */
export function startSwitchActivation(minutes: number): void {
  if (holder.__c4eSwitchActivation) return;
  holder.__c4eSwitchActivation = runPeriodically(
    async () => {
      const now = new Date();
      const results = await activateDueForAllRetailers(getPool(), now);
      for (const [retailerId, r] of Object.entries(results)) {
        for (const a of r.activated)
          console.log(
            `[web] switch ${a.reference} activated (retailer ${retailerId}, contract ${a.contractId})`,
          );
        for (const f of r.failed)
          console.error(`[web] switch ${f.reference} not activated (retailer ${retailerId}): ${f.reason}`);
      }
      const purged = await purgeStaleDrafts(getPool(), now);
      if (purged > 0)
        console.log(`[web] ${purged} unsigned switch drafts older than ${DRAFT_RETENTION_DAYS} days deleted`);
    },
    {
      intervalMs: minutes * 60_000,
      firstDelayMs: 10_000,
      onError: (error) =>
        console.error("[web] switch activation failed:", error instanceof Error ? error.message : error),
    },
  );
}
