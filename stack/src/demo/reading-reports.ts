import { seedDemoReadingReport as seedReport } from "@c4e/billing/seed-demo-reading-report";
import type pg from "pg";
import { assertLocalDevChain } from "../dev-accounts.ts";

/**
 * One meter reading reported by a demo customer, pending review (billing writes it, as the table's
 * owner: @c4e/billing/seed-demo-reading-report). Local chain 31337 only.
 */
export async function seedDemoReadingReport(
  pool: pg.Pool,
  retailerId: string,
  { chainId }: { chainId: number },
): Promise<void> {
  assertLocalDevChain(chainId, "seedDemoReadingReport");
  await seedReport(pool, retailerId);
}
