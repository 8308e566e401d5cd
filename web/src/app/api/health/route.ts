import { probeMqttBroker } from "@/server/core/broker.ts";
import { getServerContext } from "@/server/core/context.ts";
import { checkHealth, PROBE_TIMEOUT_MS, secretsOf } from "@/server/core/health.ts";

export const dynamic = "force-dynamic";

/** Health of the web app's dependencies: 200 when every component is ok, 503 otherwise. */
export async function GET(): Promise<Response> {
  const { config, db, chain } = getServerContext();
  const report = await checkHealth({
    db,
    chain,
    probeBroker: () => probeMqttBroker(config.mqttUrl, PROBE_TIMEOUT_MS),
    expectedChainId: config.chainId,
    secrets: secretsOf(config.databaseUrl, config.rpcUrl, config.mqttUrl),
  });
  return Response.json(report, {
    status: report.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
