import type pg from "pg";

export type HeartbeatParams = {
  service: string;
  at: Date;
  /** Arrival time of the latest message; null keeps the stored value. */
  lastMessageAt: Date | null;
  detail: Record<string, unknown>;
};

/** Upserts the service's row in `service_heartbeat` (read by the status page and health checks). */
export async function writeHeartbeat(pool: pg.Pool, params: HeartbeatParams): Promise<void> {
  await pool.query(
    `INSERT INTO service_heartbeat (service, last_seen_at, last_message_at, detail)
     VALUES ($1, $2, $3, $4::jsonb)
     ON CONFLICT (service) DO UPDATE SET
       last_seen_at = EXCLUDED.last_seen_at,
       last_message_at = COALESCE(EXCLUDED.last_message_at, service_heartbeat.last_message_at),
       detail = EXCLUDED.detail`,
    [
      params.service,
      params.at.toISOString(),
      params.lastMessageAt?.toISOString() ?? null,
      JSON.stringify(params.detail),
    ],
  );
}
