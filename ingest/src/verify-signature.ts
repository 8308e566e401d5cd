import { createPublicKey, type KeyObject, verify } from "node:crypto";
import type pg from "pg";

/** A registered gateway as ingest needs it. */
export type GatewayKey = {
  readonly gatewayId: string;
  readonly active: boolean;
  /** `null` when the stored key is not a raw 32-byte Ed25519 key (every signature then fails). */
  readonly publicKey: KeyObject | null;
  /** Why `publicKey` is null. */
  readonly keyProblem: string | null;
};

/**
 * Builds an Ed25519 public KeyObject from the registered key: base64 of the raw 32 bytes
 * (RFC 8032 encoding), imported as a JWK (RFC 8037: `{kty: "OKP", crv: "Ed25519", x: base64url}`).
 * Returns a problem text instead when the key is not usable.
 */
export function ed25519PublicKey(
  publicKeyBase64: string,
  algorithm = "ed25519",
): { key: KeyObject; problem: null } | { key: null; problem: string } {
  if (algorithm.toLowerCase() !== "ed25519") {
    return { key: null, problem: `registered key algorithm ${JSON.stringify(algorithm)} is not supported` };
  }
  const raw = Buffer.from(publicKeyBase64, "base64");
  if (raw.length !== 32) {
    return {
      key: null,
      problem: `registered key is ${raw.length} bytes, expected a raw 32-byte Ed25519 key`,
    };
  }
  try {
    const key = createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") },
      format: "jwk",
    });
    return { key, problem: null };
  } catch (error) {
    return { key: null, problem: `registered key is not a valid Ed25519 key: ${(error as Error).message}` };
  }
}

export type VerifySignatureParams = {
  publicKey: KeyObject;
  /** The envelope's `body` string exactly as received; the signature covers its UTF-8 bytes. */
  body: string;
  /** The decoded 64-byte signature. */
  signature: Uint8Array;
};

/** Ed25519 check of a gateway message (RFC 8032, pure Ed25519: no pre-hash, hence `null` digest). */
export function verifySignature(params: VerifySignatureParams): boolean {
  try {
    return verify(null, Buffer.from(params.body, "utf8"), params.publicKey, params.signature);
  } catch {
    return false;
  }
}

export type GatewayKeyCache = {
  /**
   * The gateways among `ids` (missing ids are unregistered). Cached entries younger than the TTL are
   * reused; unknown and expired ids are loaded in one query.
   */
  get(ids: Iterable<string>): Promise<Map<string, GatewayKey>>;
  /** Forgets ids so the next `get` reloads them (after a failed signature: the key may have rotated). */
  forget(ids: Iterable<string>): void;
};

export type CreateGatewayKeyCacheParams = {
  pool: pg.Pool;
  /** How long a loaded gateway (or its absence) is trusted; deactivation takes effect within it. */
  ttlMs: number;
  now: () => Date;
};

/** Gateway keys per gateway id, loaded in bulk and cached (a KeyObject import costs more than a verify). */
export function createGatewayKeyCache(params: CreateGatewayKeyCacheParams): GatewayKeyCache {
  const { pool, ttlMs, now } = params;
  const cache = new Map<string, { gateway: GatewayKey | null; loadedAtMs: number }>();
  return {
    async get(ids) {
      const nowMs = now().getTime();
      const wanted = [...new Set(ids)];
      const stale = wanted.filter((id) => {
        const hit = cache.get(id);
        // An unknown gateway is looked up again every time: it may just have been registered.
        return hit === undefined || hit.gateway === null || nowMs - hit.loadedAtMs >= ttlMs;
      });
      if (stale.length > 0) {
        const { rows } = await pool.query<{
          id: string;
          public_key: string;
          key_algorithm: string;
          active: boolean;
        }>("SELECT id, public_key, key_algorithm, active FROM gateway WHERE id = ANY($1::text[])", [stale]);
        for (const id of stale) cache.set(id, { gateway: null, loadedAtMs: nowMs });
        for (const row of rows) {
          const parsed = ed25519PublicKey(row.public_key, row.key_algorithm);
          cache.set(row.id, {
            gateway: {
              gatewayId: row.id,
              active: row.active,
              publicKey: parsed.key,
              keyProblem: parsed.problem,
            },
            loadedAtMs: nowMs,
          });
        }
      }
      const result = new Map<string, GatewayKey>();
      for (const id of wanted) {
        const gateway = cache.get(id)?.gateway;
        if (gateway) result.set(id, gateway);
      }
      return result;
    },
    forget(ids) {
      for (const id of ids) cache.delete(id);
    },
  };
}
