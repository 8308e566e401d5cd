import type { Queryable } from "@c4e/prisma";

/**
 * Demo data: one meter reading reported by a demo customer (pending review), so the retailer's POD
 * page shows the review from the first start: on the first demo POD with a contract, three days ago
 * in the POD's time zone. Seeded only while no customer of the retailer has reported any reading (a
 * restart adds nothing; readings the demo user reported or reviewed are left alone). The caller
 * checks that it runs on the local dev chain (stack/src/demo/reading-reports.ts).
 */
export async function seedDemoReadingReport(db: Queryable, retailerId: string): Promise<void> {
  await db.query(
    `INSERT INTO meter_reading_report (pod_id, customer_id, read_on, kwh, reported_by)
     SELECT p.id, c.customer_id, ((now() AT TIME ZONE p.time_zone)::date - 3), 1234.5,
            coalesce((SELECT w.address FROM wallet w WHERE w.customer_id = c.customer_id
                      ORDER BY w."primary" DESC, w.address LIMIT 1), 'demo')
     FROM pod p JOIN contract c ON c.id = p.contract_id JOIN customer cu ON cu.id = c.customer_id
     WHERE cu.retailer_id = $1
       AND NOT EXISTS (SELECT 1 FROM meter_reading_report r JOIN customer rc ON rc.id = r.customer_id
                       WHERE rc.retailer_id = $1)
       AND NOT EXISTS (SELECT 1 FROM settlement_reading s WHERE s.pod_id = p.id)
     ORDER BY p.identifier
     LIMIT 1
     ON CONFLICT (pod_id, read_on) DO NOTHING`,
    [retailerId],
  );
}
