// Periodic job: activates every retailer's confirmed supplier-switch requests whose effective date
// has come (customer, contract on the signed product version, POD), and deletes unsigned drafts older
// than 7 days (purgeStaleDrafts). Same environment as the web app.
// Run: npm run switch:activate-due -w web   (e.g. daily at 00:05 Europe/Berlin from cron)
import { createPool } from "@c4e/prisma/connection";
import { getServerConfig } from "@/env.ts";
import { runSwitchHousekeeping } from "@c4e/retail/switch/housekeeping";

const pool = createPool({ url: getServerConfig().databaseUrl, max: 2, applicationName: "c4e-switch-job" });
try {
  const { activated, purgedDrafts } = await runSwitchHousekeeping(pool, new Date());
  console.log(JSON.stringify({ ...activated, purgedDrafts }));
} finally {
  await pool.end();
}
