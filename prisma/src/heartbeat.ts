import type { Queryable } from "./db.ts";

// `service_heartbeat` has one row per service (ingest, indexer, …), each stamped by its own service:
// the one write path lives here, beside the database port every service already uses, so the table
// has one writer (prisma/src/ownership.ts). The status page and health checks read it.

export type HeartbeatParams = {
  service: string;
  /** The service's clock; omitted, the database's `now()`. */
  at?: Date;
  /** Arrival time of the latest message; null keeps the stored value. */
  lastMessageAt: Date | null;
  detail: Record<string, unknown>;
};

/** Upserts the service's row in `service_heartbeat`. */
export async function writeHeartbeat(db: Queryable, params: HeartbeatParams): Promise<void> {
  await db.query(
    `INSERT INTO service_heartbeat (service, last_seen_at, last_message_at, detail)
     VALUES ($1, COALESCE($2::timestamptz, now()), $3, $4::jsonb)
     ON CONFLICT (service) DO UPDATE SET
       last_seen_at = EXCLUDED.last_seen_at,
       last_message_at = COALESCE(EXCLUDED.last_message_at, service_heartbeat.last_message_at),
       detail = EXCLUDED.detail`,
    [
      params.service,
      params.at?.toISOString() ?? null,
      params.lastMessageAt?.toISOString() ?? null,
      JSON.stringify(params.detail),
    ],
  );
}
