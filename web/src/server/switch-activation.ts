import { getPool } from "./db.ts";
import { runPeriodically } from "./periodic.ts";
import { activateDueForAllRetailers } from "./switch-admin.ts";

const holder = globalThis as typeof globalThis & { __c4eSwitchActivation?: { stop: () => Promise<void> } };

/**
 * Starts the supplier-switch activation inside the web server process (once per process): every
 * `minutes`, the confirmed requests whose effective date has come become active contracts (as actor
 * `system`, audited). Several processes may run it: each request is activated under a row lock, once.
 */
export function startSwitchActivation(minutes: number): void {
  if (holder.__c4eSwitchActivation) return;
  holder.__c4eSwitchActivation = runPeriodically(
    async () => {
      const results = await activateDueForAllRetailers(getPool(), new Date());
      for (const [retailerId, r] of Object.entries(results)) {
        for (const a of r.activated)
          console.log(
            `[web] switch ${a.reference} activated (retailer ${retailerId}, contract ${a.contractId})`,
          );
        for (const f of r.failed)
          console.error(`[web] switch ${f.reference} not activated (retailer ${retailerId}): ${f.reason}`);
      }
    },
    {
      intervalMs: minutes * 60_000,
      firstDelayMs: 10_000,
      onError: (error) =>
        console.error("[web] switch activation failed:", error instanceof Error ? error.message : error),
    },
  );
}
