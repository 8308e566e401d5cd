import type { Queryable } from "@c4e/prisma";

// Writes of the tenant row (`retailer`), which billing owns. The admin settings page validates,
// locks the row, audits, and calls these inside its transaction.

/** Sets the retailer's IANA time zone (validated by the caller). */
export async function setRetailerTimeZone(
  db: Queryable,
  p: { retailerId: string; timeZone: string },
): Promise<void> {
  await db.query("UPDATE retailer SET time_zone = $2 WHERE id = $1", [p.retailerId, p.timeZone]);
}
