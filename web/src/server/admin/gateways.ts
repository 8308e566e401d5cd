import { createPublicKey } from "node:crypto";
import { registerGateway as insertGateway } from "@c4e/ingest/gateways";
import type pg from "pg";
import { z } from "zod";
import { type ActionResult, invalid } from "@/server/core/action-result.ts";
import { audit, type StaffScope } from "@/server/core/authz.ts";
import { type Queryable, withTransaction } from "@c4e/prisma";
import { AppError } from "@/server/core/errors.ts";
import { HEARTBEAT_MAX_AGE_SECONDS, INGEST_MAX_QUEUE_AGE_SECONDS } from "@/server/core/health.ts";

/** True when `value` is base64 of exactly 32 bytes that Node accepts as an Ed25519 public key. */
export function isEd25519PublicKey(value: string): boolean {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(value)) return false;
  const raw = Buffer.from(value, "base64");
  if (raw.length !== 32 || raw.every((b) => b === 0)) return false;
  try {
    createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
    return true;
  } catch {
    return false;
  }
}

export const registerGatewayInput = z.object({
  gatewayId: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{2,63}$/, "admin.gateways.form.idInvalid"),
  publicKey: z.string().trim().refine(isEd25519PublicKey, "admin.gateways.form.keyInvalid"),
});

export type GatewayRow = {
  id: string;
  active: boolean;
  keyAlgorithm: string;
  /** First characters of the base64 key, to recognise it. */
  keyPrefix: string;
  createdAt: string;
  meters: number;
  lastMessageAt: string | null;
  messages24h: number;
  accepted24h: number;
  duplicates24h: number;
  rejectedReadings24h: number;
  /** Rejected input recorded for the gateway in the last 24 h (whole messages and single readings). */
  rejected24h: number;
};

type Row = {
  id: string;
  active: boolean;
  key_algorithm: string;
  public_key: string;
  created_at: Date;
  meters: number;
  last_message_at: Date | null;
  messages_24h: number;
  accepted_24h: number;
  duplicates_24h: number;
  rejected_readings_24h: number;
  rejected_24h: number;
};

const toGateway = (r: Row): GatewayRow => ({
  id: r.id,
  active: r.active,
  keyAlgorithm: r.key_algorithm,
  keyPrefix: r.public_key.slice(0, 8),
  createdAt: r.created_at.toISOString(),
  meters: r.meters,
  lastMessageAt: r.last_message_at?.toISOString() ?? null,
  messages24h: r.messages_24h,
  accepted24h: r.accepted_24h,
  duplicates24h: r.duplicates_24h,
  rejectedReadings24h: r.rejected_readings_24h,
  rejected24h: r.rejected_24h,
});

const GATEWAY_SELECT = `
  SELECT g.id, g.active, g.key_algorithm, g.public_key, g.created_at,
         (SELECT count(*)::int FROM meter m WHERE m.gateway_id = g.id) AS meters,
         (SELECT max(i.received_at) FROM ingest_message i WHERE i.gateway_id = g.id) AS last_message_at,
         coalesce(s.messages, 0)::int AS messages_24h, coalesce(s.accepted, 0)::int AS accepted_24h,
         coalesce(s.duplicates, 0)::int AS duplicates_24h, coalesce(s.rejected, 0)::int AS rejected_readings_24h,
         (SELECT count(*)::int FROM rejected_input x
           WHERE x.gateway_id = g.id AND x.received_at > $2::timestamptz - interval '24 hours') AS rejected_24h
  FROM gateway g
  LEFT JOIN LATERAL (
    SELECT count(*) AS messages, sum(i.accepted) AS accepted, sum(i.duplicates) AS duplicates, sum(i.rejected) AS rejected
    FROM ingest_message i WHERE i.gateway_id = g.id AND i.received_at > $2::timestamptz - interval '24 hours'
  ) s ON true`;

/** The retailer's gateways with their last message and the last 24 hours of ingest counts. */
export async function listGateways(
  db: Queryable,
  scope: StaffScope,
  now = new Date(),
): Promise<GatewayRow[]> {
  const { rows } = await db.query<Row>(`${GATEWAY_SELECT} WHERE g.retailer_id = $1 ORDER BY g.id`, [
    scope.retailerId,
    now,
  ]);
  return rows.map(toGateway);
}

export type RejectedEntry = {
  id: string;
  receivedAt: string;
  reason: string;
  detail: string;
  messageId: string | null;
  meterId: string | null;
  readingAt: string | null;
};

export type GatewayDetail = {
  gateway: GatewayRow;
  /** Rejections per reason over the last 7 days. */
  reasons: { reason: string; count: number }[];
  /** The latest rejections (newest first, at most 50). */
  rejected: RejectedEntry[];
};

/** One of the retailer's gateways with its rejected input; another retailer's gateway is `not_found`. */
export async function getGatewayDetail(
  db: Queryable,
  scope: StaffScope,
  gatewayId: string,
  now = new Date(),
): Promise<GatewayDetail> {
  const { rows } = await db.query<Row>(`${GATEWAY_SELECT} WHERE g.retailer_id = $1 AND g.id = $3`, [
    scope.retailerId,
    now,
    gatewayId,
  ]);
  const row = rows[0];
  if (!row) throw new AppError("not_found", "no such gateway");
  const reasons = await db.query<{ reason: string; count: number }>(
    `SELECT reason, count(*)::int AS count FROM rejected_input
     WHERE gateway_id = $1 AND received_at > $2::timestamptz - interval '7 days'
     GROUP BY reason ORDER BY count DESC, reason`,
    [row.id, now],
  );
  const rejected = await db.query<{
    id: string;
    received_at: Date;
    reason: string;
    detail: string;
    message_id: string | null;
    meter_id: string | null;
    reading_at: Date | null;
  }>(
    `SELECT id::text, received_at, reason, detail, message_id, meter_id, reading_at FROM rejected_input
     WHERE gateway_id = $1 ORDER BY received_at DESC, id DESC LIMIT 50`,
    [row.id],
  );
  return {
    gateway: toGateway(row),
    reasons: reasons.rows,
    rejected: rejected.rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at.toISOString(),
      reason: r.reason,
      detail: r.detail.slice(0, 300),
      messageId: r.message_id,
      meterId: r.meter_id,
      readingAt: r.reading_at?.toISOString() ?? null,
    })),
  };
}

export type IngestHealth = {
  ok: boolean;
  lastSeenAt: string | null;
  lastMessageAt: string | null;
  /** Messages ingest holds unacknowledged, and how long the oldest of them waits (heartbeat). */
  queued: number;
  oldestQueuedSeconds: number | null;
  /** The oldest waits longer than INGEST_MAX_QUEUE_AGE_SECONDS: stalled or lagging. */
  lagging: boolean;
};

/** Liveness and queue of the ingest service from its heartbeat (shared by all retailers: no tenant data). */
export async function getIngestHealth(db: Queryable, now = new Date()): Promise<IngestHealth> {
  const { rows } = await db.query<{ last_seen_at: Date; last_message_at: Date | null; detail: unknown }>(
    "SELECT last_seen_at, last_message_at, detail FROM service_heartbeat WHERE service = 'ingest'",
  );
  const row = rows[0];
  if (!row) {
    return {
      ok: false,
      lastSeenAt: null,
      lastMessageAt: null,
      queued: 0,
      oldestQueuedSeconds: null,
      lagging: false,
    };
  }
  const detail = (row.detail ?? {}) as { queued?: unknown; oldestQueuedAt?: unknown };
  const oldest = typeof detail.oldestQueuedAt === "string" ? Date.parse(detail.oldestQueuedAt) : Number.NaN;
  const oldestQueuedSeconds = Number.isNaN(oldest)
    ? null
    : Math.max(0, Math.round((now.getTime() - oldest) / 1000));
  const lagging = oldestQueuedSeconds !== null && oldestQueuedSeconds > INGEST_MAX_QUEUE_AGE_SECONDS;
  return {
    ok: now.getTime() - row.last_seen_at.getTime() < HEARTBEAT_MAX_AGE_SECONDS * 1000 && !lagging,
    lastSeenAt: row.last_seen_at.toISOString(),
    lastMessageAt: row.last_message_at?.toISOString() ?? null,
    queued: typeof detail.queued === "number" ? detail.queued : 0,
    oldestQueuedSeconds,
    lagging,
  };
}

/**
 * Registers a gateway of the scope's retailer with its Ed25519 key (base64 of the raw 32 bytes), and
 * audits it in the same transaction. An id already taken (by any retailer) is a `conflict`.
 */
export async function registerGateway(
  pool: pg.Pool,
  scope: StaffScope,
  input: unknown,
): Promise<ActionResult<{ gatewayId: string }>> {
  const parsed = registerGatewayInput.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { gatewayId, publicKey } = parsed.data;
  return withTransaction(pool, async (db) => {
    if (!(await insertGateway(db, { gatewayId, retailerId: scope.retailerId, publicKey }))) {
      return {
        ok: false as const,
        error: "conflict" as const,
        status: 409,
        message: "gateway id taken",
        fieldErrors: { gatewayId: "admin.gateways.form.idTaken" as const },
      };
    }
    await audit(db, scope, {
      action: "gateway.register",
      targetType: "gateway",
      targetId: gatewayId,
      detail: { keyAlgorithm: "ed25519", keyPrefix: publicKey.slice(0, 8) },
    });
    return { ok: true as const, value: { gatewayId } };
  });
}
