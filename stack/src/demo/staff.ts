import type pg from "pg";
import { assertLocalDevChain, devAccount } from "../dev-accounts.ts";

/** The demo retailer's staff and partner (Hardhat dev accounts; the web app's dev wallet offers them). */
export const DEMO_STAFF = [
  { accountIndex: 0, role: "retailer_admin", name: "Demo admin" },
  { accountIndex: 5, role: "partner", name: "Demo partner" },
  { accountIndex: 6, role: "retailer_agent", name: "Demo agent" },
  { accountIndex: 7, role: "property_manager", name: "Demo property manager" },
] as const;

/**
 * Role assignments of the demo staff (idempotent: an existing assignment is left as it is). Their keys
 * are public: refused on any chain but the local development chain 31337.
 */
export async function seedDemoStaff(
  pool: pg.Pool,
  retailerId: string,
  { chainId }: { chainId: number },
): Promise<void> {
  assertLocalDevChain(chainId, "seedDemoStaff");
  for (const s of DEMO_STAFF) {
    await pool.query(
      `INSERT INTO web_user (address, retailer_id, role, name) VALUES ($1, $2, $3, $4)
       ON CONFLICT (address) DO NOTHING`,
      [devAccount(s.accountIndex).address.toLowerCase(), retailerId, s.role, s.name],
    );
  }
}
