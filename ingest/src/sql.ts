/**
 * Postgres `text` cannot hold U+0000; untrusted text (payloads, details) gets U+FFFD in its place,
 * so storing a rejection can never fail on what was rejected.
 */
export function safeText(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
}

/** Text or null for SQL arrays (bigints cross as decimal strings). */
export function bigintText(value: bigint | null): string | null {
  return value === null ? null : value.toString();
}

/**
 * How a storage error is handled (docs/ingest.md, "Storage errors"):
 * - `input`: SQLSTATE class 22, 23 (a value or row the database refuses) and 54 (program limit
 *   exceeded: statement too large or complex). Retrying the same input fails the same way: the batch is
 *   halved until the failing message is isolated, and that message is recorded as rejected.
 * - `resource`: 53200 (out of memory, including "out of shared memory" of a full lock table) and 53400
 *   (configuration limit exceeded). A smaller transaction needs less: the batch is halved; a single
 *   message that still fails is retried with backoff, because the shortage is the server's, not the
 *   message's (a message is at most 1,000 readings, under a bounded number of locks).
 * - `transient`: everything else: a lost connection (no SQLSTATE, class 08), serialization failure
 *   (40001), deadlock (40P01), shutdown (57P0x), too many connections (53300), disk full (53100), and
 *   unknown errors (e.g. class 42 after a faulty deployment: retrying is safer than rejecting the
 *   input). The batch stays queued and is retried with bounded backoff.
 */
export type StorageErrorKind = "input" | "resource" | "transient";

export function storageErrorKind(error: unknown): StorageErrorKind {
  const code = sqlState(error);
  if (code === null) return "transient";
  if (code.startsWith("22") || code.startsWith("23") || code.startsWith("54")) return "input";
  if (code === "53200" || code === "53400") return "resource";
  return "transient";
}

/**
 * The database cannot be reached or is restarting: no SQLSTATE (connection refused, reset or closed),
 * class 08 (connection exception), 57P01–57P03 (shutdown, crash shutdown, "the database system is
 * starting up"), 53300 (too many connections). Waiting helps; anything else is a real failure.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = sqlState(error);
  return code === null || code.startsWith("08") || /^57P0[123]$/.test(code) || code === "53300";
}

/** The error's SQLSTATE, or null for errors that are not from the server (connection lost, timeout). */
export function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * Thrown when a batch was split and its first `stored` messages were committed before a part failed:
 * the consumer acknowledges those and retries only the rest. `result` describes the stored part.
 */
export class PartiallyStoredError<R = unknown> extends Error {
  readonly stored: number;
  readonly result: R;

  constructor(stored: number, result: R, cause: unknown) {
    super(`${stored} messages stored, then: ${(cause as Error | null)?.message ?? String(cause)}`, { cause });
    this.name = "PartiallyStoredError";
    this.stored = stored;
    this.result = result;
  }
}
