import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

// PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export type GatewayKeyPair = { privateKey: KeyObject; publicKeyBase64: string };

/**
 * Demo gateway keys derived from the gateway id: reproducible for the demo fleet and simulator only.
 * Real gateways generate their own key; only the public key is ever registered.
 */
export function demoGatewayKeyPair(gatewayId: string): GatewayKeyPair {
  const seed = createHash("sha256").update(`c4e-demo-gateway-key:${gatewayId}`).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  return { privateKey, publicKeyBase64: rawPublicKeyBase64(privateKey) };
}

/** The raw 32-byte Ed25519 public key of a key (pair), base64: the form the gateway table stores. */
export function rawPublicKeyBase64(key: KeyObject): string {
  const jwk = (key.type === "private" ? createPublicKey(key) : key).export({ format: "jwk" });
  if (typeof jwk.x !== "string") throw new Error("Ed25519 public key export failed");
  return Buffer.from(jwk.x, "base64url").toString("base64");
}
