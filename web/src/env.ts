import type { Address } from "viem";
import { z } from "zod";

/**
 * Server configuration of the web app, validated once (STYLE 9). Nothing else reads `process.env`;
 * the typed config is passed into the server functions. Never import this from a client component.
 */
export type ServerConfig = {
  databaseUrl: string;
  /** JSON-RPC endpoint of the chain; the browser reaches it only through `/api/rpc`. */
  rpcUrl: string;
  chainId: number;
  tokenAddress: Address;
  rewardMinterAddress: Address;
  /** C4EPerks (perks and energy coupons); null when not configured (the wallet hides perks). */
  perksAddress: Address | null;
  /** GreenCertificates; null when not configured (the wallet hides certificates). */
  greenCertificatesAddress: Address | null;
  mqttUrl: string;
  /** Scheme + host + port the app is served from (SIWE domain and uri are checked against it). */
  webOrigin: string;
  /** The built-in development wallet: DEV_WALLET=1, refused on any chain but the local chain 31337. */
  devWallet: boolean;
  sessionTtlHours: number;
  /**
   * The retailer whose catalogue the public pages (products, supplier switch) show; null: the only
   * retailer in the database (see server/catalogue-public.ts).
   */
  publicRetailerId: string | null;
  /** Minutes between runs of the supplier-switch activation in the server process; 0 = off. */
  switchActivationMinutes: number;
  /**
   * The most switch drafts accepted per client address in any hour and per POD in any 24 hours
   * (sliding windows counted in Postgres, so they hold across web processes).
   */
  switchDraftLimits: SwitchDraftLimits;
  /** The most SIWE nonces (`POST /api/auth/nonce`) issued per client address in any minute. */
  siweNoncesPerIpPerMinute: number;
  /**
   * How many reverse proxies in front of the app append the address they saw to X-Forwarded-For.
   * 0: none, the client is the TCP peer (X-Forwarded-For is ignored: a client can write anything
   * there); n: the n-th entry from the right is the client (server/client-address.ts).
   */
  trustedProxies: number;
};

export type SwitchDraftLimits = { perIpPerHour: number; perPodPerDay: number };

export const LOCAL_CHAIN_ID = 31337;

const withScheme = (schemes: readonly string[], what: string) =>
  z
    .string({ error: "is required" })
    .min(1, "is required")
    .refine(
      (v) => {
        try {
          return schemes.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a ${what} URL (${schemes.map((s) => `${s}//`).join(", ")})`,
    );

const address = z
  .string({ error: "is required" })
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .transform((v) => v as Address);

const schema = z.object({
  DATABASE_URL: withScheme(["postgres:", "postgresql:"], "Postgres"),
  RPC_URL: withScheme(["http:", "https:"], "HTTP(S) JSON-RPC"),
  CHAIN_ID: z.coerce
    .number({ error: "must be a positive integer" })
    .int("must be a positive integer")
    .positive("must be a positive integer"),
  TOKEN_ADDRESS: address,
  REWARD_MINTER_ADDRESS: address,
  PERKS_ADDRESS: address.optional(),
  GREEN_CERTIFICATES_ADDRESS: address.optional(),
  MQTT_URL: withScheme(["mqtt:", "mqtts:", "tcp:", "ssl:", "ws:", "wss:"], "MQTT"),
  WEB_ORIGIN: withScheme(["http:", "https:"], "http(s)")
    .refine((v) => {
      const u = new URL(v);
      return (u.pathname === "/" || u.pathname === "") && !u.search && !u.hash && !u.username;
    }, "must be an origin only, e.g. http://localhost:3000")
    .transform((v) => new URL(v).origin),
  DEV_WALLET: z.enum(["0", "1", ""], { error: 'must be "1" or "0"' }).optional(),
  SESSION_TTL_HOURS: z.coerce
    .number({ error: "must be a number of hours" })
    .positive("must be a positive number of hours")
    .max(24 * 30, "must be at most 720 hours")
    .default(12),
  PUBLIC_RETAILER_ID: z.string().min(1).max(100).optional(),
  SWITCH_ACTIVATION_MINUTES: z.coerce
    .number({ error: "must be a whole number of minutes" })
    .int("must be a whole number of minutes")
    .min(0, "must be 0 (off) or more")
    .max(24 * 60, "must be at most 1440 minutes")
    .default(60),
  SWITCH_DRAFTS_PER_IP_PER_HOUR: z.coerce
    .number({ error: "must be a whole number of drafts" })
    .int("must be a whole number of drafts")
    .min(1, "must be at least 1")
    .max(100_000, "must be at most 100000")
    .default(20),
  SWITCH_DRAFTS_PER_POD_PER_DAY: z.coerce
    .number({ error: "must be a whole number of drafts" })
    .int("must be a whole number of drafts")
    .min(1, "must be at least 1")
    .max(1_000, "must be at most 1000")
    .default(5),
  SIWE_NONCES_PER_IP_PER_MINUTE: z.coerce
    .number({ error: "must be a whole number of nonces" })
    .int("must be a whole number of nonces")
    .min(1, "must be at least 1")
    .max(100_000, "must be at most 100000")
    .default(30),
  TRUSTED_PROXIES: z.coerce
    .number({ error: "must be a whole number of proxies" })
    .int("must be a whole number of proxies")
    .min(0, "must be 0 (no reverse proxy) or more")
    .max(10, "must be at most 10")
    .default(0),
});

/** A configuration error; its message names every offending variable, never its value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates a raw environment into the web app's config (pure; `getServerConfig` reads process.env). */
export function parseServerConfig(source: Record<string, string | undefined>): ServerConfig {
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((k) => [k, source[k] === "" && k !== "DEV_WALLET" ? undefined : source[k]]),
  );
  const result = schema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ConfigError(`Invalid web configuration:\n${lines.join("\n")}`);
  }
  const e = result.data;
  if (e.DEV_WALLET === "1" && e.CHAIN_ID !== LOCAL_CHAIN_ID) {
    // the development wallet signs with the well-known keys of the local Hardhat node
    throw new ConfigError(
      `Invalid web configuration:\n  DEV_WALLET: must be off (0) on chain ${e.CHAIN_ID}: the development wallet is for the local chain ${LOCAL_CHAIN_ID} only`,
    );
  }
  return {
    databaseUrl: e.DATABASE_URL,
    rpcUrl: e.RPC_URL,
    chainId: e.CHAIN_ID,
    tokenAddress: e.TOKEN_ADDRESS,
    rewardMinterAddress: e.REWARD_MINTER_ADDRESS,
    perksAddress: e.PERKS_ADDRESS ?? null,
    greenCertificatesAddress: e.GREEN_CERTIFICATES_ADDRESS ?? null,
    mqttUrl: e.MQTT_URL,
    webOrigin: e.WEB_ORIGIN,
    devWallet: e.DEV_WALLET === "1",
    sessionTtlHours: e.SESSION_TTL_HOURS,
    publicRetailerId: e.PUBLIC_RETAILER_ID ?? null,
    switchActivationMinutes: e.SWITCH_ACTIVATION_MINUTES,
    switchDraftLimits: {
      perIpPerHour: e.SWITCH_DRAFTS_PER_IP_PER_HOUR,
      perPodPerDay: e.SWITCH_DRAFTS_PER_POD_PER_DAY,
    },
    siweNoncesPerIpPerMinute: e.SIWE_NONCES_PER_IP_PER_MINUTE,
    trustedProxies: e.TRUSTED_PROXIES,
  };
}

let cached: ServerConfig | undefined;

/** The process's config, read from the environment once (first call) and cached. */
export function getServerConfig(): ServerConfig {
  cached ??= parseServerConfig(process.env);
  return cached;
}
