/** Crockford's base32 alphabet: no I, L, O, U, so a reference is easy to read out on the phone. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A switch request's reference from random bytes: `SW-` and one character per byte (byte mod 32).
 * The caller supplies the randomness (8 bytes: 40 bits, unguessable enough for a reference that is
 * never an access key).
 * @example switchReference(Uint8Array.of(0, 1, 31, 32, 255, 10, 17, 18)) // "SW-01Z0ZAHJ"
 */
export function switchReference(bytes: Uint8Array): string {
  return `SW-${[...bytes].map((b) => ALPHABET[b % 32]).join("")}`;
}

/** Why a POD cannot be switched now: supplied under a contract here, or in another open request. */
export type PodConflict = "underContract" | "openRequest";

/** What the staff's validation found wrong with a signed request (empty: it may be sent). */
export function switchRequestProblems(r: {
  /** the POD check of the identifier (`validatePodIdentifier`) */
  pod: { ok: true } | { ok: false; reason: string };
  /** another contract or open request holds the POD */
  conflict: PodConflict | null;
  signed: boolean;
}): string[] {
  const problems: string[] = [];
  if (!r.pod.ok) problems.push(`POD identifier: ${r.pod.reason}`);
  if (r.conflict === "underContract") problems.push("the POD is under an active contract");
  if (r.conflict === "openRequest") problems.push("another open request exists for the POD");
  if (!r.signed) problems.push("the request is not signed");
  return problems;
}
