import { setRetailerTimeZone } from "@c4e/billing/retailers";
import type pg from "pg";
import { z } from "zod";
import { type ActionResult, invalid } from "@/server/core/action-result.ts";
import { audit, type StaffScope } from "@/server/core/authz.ts";
import { type Queryable, withTransaction } from "@c4e/prisma";
import { AppError } from "@/server/core/errors.ts";

/** The time zone admin pages fall back to when the retailer row has none (the column's default). */
export const DEFAULT_TIME_ZONE = "Europe/Berlin";

/**
 * The IANA zones this runtime can format in. `Intl.supportedValuesOf` lists canonical zone names
 * only; "UTC" is added because V8 reports it as an alias, yet it formats fine and staff expect it.
 */
export function supportedTimeZones(): string[] {
  return [...new Set([...Intl.supportedValuesOf("timeZone"), "UTC"])].sort();
}

export const updateTimeZoneInput = z.object({
  timeZone: z
    .string()
    .trim()
    .refine((v) => supportedTimeZones().includes(v), "admin.settings.error.timeZone"),
});

/** The retailer's time zone: the zone every date and time on the admin pages is shown in. */
export async function getRetailerTimeZone(db: Queryable, retailerId: string): Promise<string> {
  const { rows } = await db.query<{ time_zone: string }>("SELECT time_zone FROM retailer WHERE id = $1", [
    retailerId,
  ]);
  return rows[0]?.time_zone ?? DEFAULT_TIME_ZONE;
}

/** Changes the retailer's time zone (retailer admins; validated IANA name; audited with old and new). */
export async function updateRetailerTimeZone(
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ timeZone: string }>> {
  const parsed = updateTimeZoneInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { timeZone } = parsed.data;
  return withTransaction(pool, async (db) => {
    const old = await db.query<{ time_zone: string }>(
      "SELECT time_zone FROM retailer WHERE id = $1 FOR UPDATE",
      [scope.retailerId],
    );
    const from = old.rows[0]?.time_zone;
    if (from === undefined) throw new AppError("not_found", "no such retailer");
    await setRetailerTimeZone(db, { retailerId: scope.retailerId, timeZone });
    await audit(db, scope, {
      action: "retailer.time_zone",
      targetType: "retailer",
      targetId: scope.retailerId,
      detail: { from, to: timeZone },
    });
    return { ok: true as const, value: { timeZone } };
  });
}
