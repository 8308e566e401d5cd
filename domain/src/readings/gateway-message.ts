import { parseIsoInstant } from "../iso-instant.ts";

/**
 * The signed message a gateway publishes to `c4e/v1/gateways/{gatewayId}/readings`.
 * Format, example and limits: docs/gateway-message.md.
 */

/** Largest accepted MQTT payload (the whole envelope), in UTF-8 bytes: 256 KiB. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** Largest number of readings in one message. */
export const MAX_READINGS_PER_MESSAGE = 1000;

/** Largest register value: a Postgres `bigint` (2^63 − 1 Wh). */
export const MAX_REGISTER_WH = 2n ** 63n - 1n;

/** Envelope and body format version understood by this code. */
export const GATEWAY_MESSAGE_VERSION = 1;

/** Default topic root; the full topic is `${root}/gateways/{gatewayId}/readings`. */
export const DEFAULT_TOPIC_ROOT = "c4e/v1";

/** Gateway, meter and message ids: 1..64 characters of `[A-Za-z0-9._:-]` (safe as an MQTT topic level). */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** Every reason a message or a reading can be refused, as stored with the rejected input. */
export const REJECT_REASONS = [
  "payload_too_large",
  "malformed_json",
  "malformed_envelope",
  "unsupported_version",
  "wrong_topic",
  "unknown_gateway",
  "bad_signature",
  "gateway_mismatch",
  "duplicate_message",
  "malformed_reading",
  "unknown_meter",
  "meter_of_other_gateway",
  "register_decreased",
  "power_exceeds_rating",
  "future_instant",
  "conflicting_duplicate",
  "interval_mismatch",
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** One-line human description of each reject reason (for logs and the admin UI). */
export const REJECT_REASON_TEXT: Record<RejectReason, string> = {
  payload_too_large: `Message larger than ${MAX_PAYLOAD_BYTES} bytes or with more than ${MAX_READINGS_PER_MESSAGE} readings`,
  malformed_json: "Payload or body is not valid JSON",
  malformed_envelope: "Envelope or body does not have the required fields and types",
  unsupported_version: "Message version or signature algorithm is not supported",
  wrong_topic: "Published to a topic that is not c4e/v1/gateways/{gatewayId}/readings",
  unknown_gateway: "Gateway is not registered",
  bad_signature: "Signature does not verify with the gateway's registered key",
  gateway_mismatch: "Body names a different gateway than the topic",
  duplicate_message: "Message id already processed for this gateway",
  malformed_reading: "Reading does not have the required fields and types",
  unknown_meter: "Meter is not registered",
  meter_of_other_gateway: "Meter is registered to a different gateway",
  register_decreased: "Cumulative register is lower than an earlier reading (or higher than a later one)",
  power_exceeds_rating: "Average power between readings exceeds the meter's rated power",
  future_instant: "Reading instant is later than now plus the allowed clock skew",
  conflicting_duplicate: "Another reading at the same instant has different values",
  interval_mismatch: "Interval values lie outside the reading's span, overlap, or exceed the rated power",
};

/** True when `value` is one of the reject reason codes. */
export function isRejectReason(value: unknown): value is RejectReason {
  return typeof value === "string" && (REJECT_REASONS as readonly string[]).includes(value);
}

/** The MQTT payload. `body` is signed as-is: the signature covers the UTF-8 bytes of this string. */
export interface GatewayEnvelope {
  readonly v: 1;
  readonly alg: "ed25519";
  /** The JSON batch, kept as the exact string that was signed. */
  readonly body: string;
  /** Base64 of the 64-byte Ed25519 signature, as sent. */
  readonly sig: string;
  /** The decoded signature. */
  readonly sigBytes: Uint8Array;
}

/** Energy measured in one sub-interval of a reading's span (e.g. a 15-minute load-profile value). */
export interface ParsedInterval {
  readonly start: Date;
  readonly end: Date;
  readonly importWh: bigint;
  readonly exportWh: bigint;
}

/** One meter reading: cumulative import/export registers at an instant. */
export interface ParsedReading {
  readonly meterId: string;
  readonly at: Date;
  /** Cumulative import register (energy drawn from the grid). */
  readonly importWh: bigint;
  /** Cumulative export register (energy fed into the grid). */
  readonly exportWh: bigint;
  /** Optional sub-interval energies; empty when the gateway sent none. */
  readonly intervals: readonly ParsedInterval[];
}

export interface MessageHeader {
  readonly gatewayId: string;
  readonly messageId: string;
  readonly sentAt: Date;
}

/** A reading refused while parsing; the rest of the message is kept. */
export interface MalformedReading {
  /** Position in `readings`. */
  readonly index: number;
  /** The reading's meter id when it was a valid id. */
  readonly meterId?: string;
  readonly reason: "malformed_reading";
  readonly detail: string;
  /** The reading exactly as decoded from JSON, for storage with the rejection. */
  readonly raw: unknown;
}

export interface MessageRejection {
  readonly ok: false;
  readonly reason: RejectReason;
  readonly detail: string;
}

export type ParseEnvelopeResult =
  { readonly ok: true; readonly envelope: GatewayEnvelope } | MessageRejection;

export type ParseBodyResult =
  | {
      readonly ok: true;
      readonly header: MessageHeader;
      readonly readings: ParsedReading[];
      readonly rejected: MalformedReading[];
    }
  | MessageRejection;

export interface ParseBodyParams {
  /** `envelope.body`, after the signature was verified. */
  readonly body: string;
  /** The gateway id taken from the topic (see `gatewayIdFromTopic`). */
  readonly topicGatewayId: string;
}

/**
 * Parses and checks the MQTT payload; does not verify the signature (ingest does, over `body`).
 * @example
 * const r = parseEnvelope(payload.toString("utf8"));
 * if (r.ok) verify(r.envelope.body, r.envelope.sigBytes);
 */
export function parseEnvelope(raw: string): ParseEnvelopeResult {
  if (exceedsPayloadLimit(raw)) {
    return reject("payload_too_large", `payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const json = parseJson(raw);
  if (!json.ok) return reject("malformed_json", `payload: ${json.error}`);
  const value = json.value;
  if (!isPlainObject(value)) return reject("malformed_envelope", "payload: must be a JSON object");
  if (typeof value.v !== "number") return reject("malformed_envelope", "v: must be a number");
  if (value.v !== GATEWAY_MESSAGE_VERSION) {
    return reject("unsupported_version", `v: version ${value.v} is not supported (expected 1)`);
  }
  if (typeof value.alg !== "string") return reject("malformed_envelope", "alg: must be a string");
  if (value.alg !== "ed25519") {
    return reject("unsupported_version", `alg: algorithm ${JSON.stringify(value.alg)} is not supported`);
  }
  if (typeof value.body !== "string" || value.body.length === 0) {
    return reject("malformed_envelope", "body: must be a non-empty string");
  }
  if (hasLoneSurrogate(value.body)) {
    // Would not survive UTF-8 encoding, so signer and verifier could disagree on the signed bytes.
    return reject("malformed_envelope", "body: contains an unpaired UTF-16 surrogate");
  }
  if (typeof value.sig !== "string") return reject("malformed_envelope", "sig: must be a base64 string");
  const sigBytes = decodeBase64(value.sig);
  if (sigBytes === null || sigBytes.length !== 64) {
    return reject("malformed_envelope", "sig: must be base64 of a 64-byte Ed25519 signature");
  }
  return { ok: true, envelope: { v: 1, alg: "ed25519", body: value.body, sig: value.sig, sigBytes } };
}

/**
 * Parses the signed batch. Whole-message problems reject the message; a bad reading is
 * listed in `rejected` with its index and the rest are kept.
 * @example parseBody({ body: envelope.body, topicGatewayId: "gw-1" })
 */
export function parseBody(params: ParseBodyParams): ParseBodyResult {
  const { body, topicGatewayId } = params;
  if (exceedsPayloadLimit(body)) {
    return reject("payload_too_large", `body is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const json = parseJson(body);
  if (!json.ok) return reject("malformed_json", `body: ${json.error}`);
  const value = json.value;
  if (!isPlainObject(value)) return reject("malformed_envelope", "body: must be a JSON object");
  if (typeof value.v !== "number") return reject("malformed_envelope", "body.v: must be a number");
  if (value.v !== GATEWAY_MESSAGE_VERSION) {
    return reject("unsupported_version", `body.v: version ${value.v} is not supported (expected 1)`);
  }
  if (!isId(value.gatewayId)) {
    return reject("malformed_envelope", `body.gatewayId: must match ${ID_PATTERN.source}`);
  }
  if (value.gatewayId !== topicGatewayId) {
    return reject(
      "gateway_mismatch",
      `body.gatewayId ${JSON.stringify(value.gatewayId)} differs from the topic's ${JSON.stringify(topicGatewayId)}`,
    );
  }
  if (!isId(value.messageId)) {
    return reject("malformed_envelope", `body.messageId: must match ${ID_PATTERN.source}`);
  }
  const sentAt = typeof value.sentAt === "string" ? parseIsoInstant(value.sentAt) : null;
  if (sentAt === null) {
    return reject("malformed_envelope", "body.sentAt: must be an ISO-8601 instant with Z or an offset");
  }
  if (!Array.isArray(value.readings)) return reject("malformed_envelope", "body.readings: must be an array");
  if (value.readings.length > MAX_READINGS_PER_MESSAGE) {
    return reject(
      "payload_too_large",
      `body.readings: ${value.readings.length} readings, at most ${MAX_READINGS_PER_MESSAGE} allowed`,
    );
  }

  const readings: ParsedReading[] = [];
  const rejected: MalformedReading[] = [];
  value.readings.forEach((raw: unknown, index: number) => {
    const parsed = parseReading(raw, `readings[${index}]`);
    if (parsed.ok) {
      readings.push(parsed.reading);
    } else {
      const meterId = isPlainObject(raw) && isId(raw.meterId) ? raw.meterId : undefined;
      rejected.push({
        index,
        ...(meterId === undefined ? {} : { meterId }),
        reason: "malformed_reading",
        detail: parsed.errors.join("; "),
        raw,
      });
    }
  });
  return {
    ok: true,
    header: { gatewayId: value.gatewayId, messageId: value.messageId, sentAt },
    readings,
    rejected,
  };
}

/**
 * The gateway id of a readings topic, or `null` when the topic has any other shape.
 * @example gatewayIdFromTopic("c4e/v1/gateways/gw-7/readings") // "gw-7"
 */
export function gatewayIdFromTopic(topic: string, root: string = DEFAULT_TOPIC_ROOT): string | null {
  const prefix = `${root}/gateways/`;
  const suffix = "/readings";
  if (!topic.startsWith(prefix) || !topic.endsWith(suffix)) return null;
  if (topic.length < prefix.length + suffix.length) return null;
  const id = topic.slice(prefix.length, topic.length - suffix.length);
  return ID_PATTERN.test(id) ? id : null;
}

/** The topic a gateway publishes its readings to. */
export function readingsTopic(gatewayId: string, root: string = DEFAULT_TOPIC_ROOT): string {
  return `${root}/gateways/${gatewayId}/readings`;
}

// ---------------------------------------------------------------------------------------------

type FieldResult<T> = { ok: true; value: T } | { ok: false; error: string };

function parseReading(
  raw: unknown,
  path: string,
): { ok: true; reading: ParsedReading } | { ok: false; errors: string[] } {
  if (!isPlainObject(raw)) return { ok: false, errors: [`${path}: must be an object`] };
  const errors: string[] = [];
  const meterId = isId(raw.meterId) ? raw.meterId : undefined;
  if (meterId === undefined) errors.push(`${path}.meterId: must match ${ID_PATTERN.source}`);
  const at = instantField(raw.at, `${path}.at`, errors);
  const importWh = whField(raw.importWh, `${path}.importWh`, errors);
  const exportWh = whField(raw.exportWh, `${path}.exportWh`, errors);
  const intervals: ParsedInterval[] = [];
  if (raw.intervals !== undefined) {
    if (!Array.isArray(raw.intervals)) {
      errors.push(`${path}.intervals: must be an array`);
    } else {
      raw.intervals.forEach((item: unknown, i: number) => {
        const interval = parseInterval(item, `${path}.intervals[${i}]`, errors);
        if (interval !== undefined) intervals.push(interval);
      });
    }
  }
  if (
    errors.length > 0 ||
    meterId === undefined ||
    at === undefined ||
    importWh === undefined ||
    exportWh === undefined
  ) {
    return { ok: false, errors };
  }
  return { ok: true, reading: { meterId, at, importWh, exportWh, intervals } };
}

function parseInterval(raw: unknown, path: string, errors: string[]): ParsedInterval | undefined {
  if (!isPlainObject(raw)) {
    errors.push(`${path}: must be an object`);
    return undefined;
  }
  const start = instantField(raw.start, `${path}.start`, errors);
  const end = instantField(raw.end, `${path}.end`, errors);
  const importWh = whField(raw.importWh, `${path}.importWh`, errors);
  const exportWh = whField(raw.exportWh, `${path}.exportWh`, errors);
  if (start === undefined || end === undefined || importWh === undefined || exportWh === undefined) {
    return undefined;
  }
  if (start.getTime() >= end.getTime()) {
    errors.push(`${path}: start must be before end`);
    return undefined;
  }
  return { start, end, importWh, exportWh };
}

function instantField(value: unknown, path: string, errors: string[]): Date | undefined {
  const date = typeof value === "string" ? parseIsoInstant(value) : null;
  if (date === null) {
    errors.push(`${path}: must be an ISO-8601 instant with Z or an offset`);
    return undefined;
  }
  return date;
}

function whField(value: unknown, path: string, errors: string[]): bigint | undefined {
  const result = parseWh(value);
  if (!result.ok) {
    errors.push(`${path}: ${result.error}`);
    return undefined;
  }
  return result.value;
}

/** Integer Wh: a JSON number up to 2^53 − 1 or a decimal string up to 2^63 − 1. */
function parseWh(value: unknown): FieldResult<bigint> {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      return {
        ok: false,
        error: "must be a non-negative integer (send values above 2^53-1 as a decimal string)",
      };
    }
    return { ok: true, value: BigInt(value) };
  }
  if (typeof value === "string") {
    if (!/^\d{1,30}$/.test(value)) return { ok: false, error: "must be a non-negative integer" };
    const wh = BigInt(value);
    if (wh > MAX_REGISTER_WH) return { ok: false, error: "must be at most 2^63-1" };
    return { ok: true, value: wh };
  }
  return { ok: false, error: "must be a non-negative integer" };
}

function reject(reason: RejectReason, detail: string): MessageRejection {
  return { ok: false, reason, detail };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : "invalid JSON" };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

/** UTF-8 length exceeds the limit; a UTF-16 code unit never encodes to fewer than one byte. */
function exceedsPayloadLimit(text: string): boolean {
  if (text.length > MAX_PAYLOAD_BYTES) return true;
  return utf8ByteLength(text) > MAX_PAYLOAD_BYTES;
}

/** Bytes of the UTF-8 encoding (unpaired surrogates count as the 3-byte replacement character). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 (RFC 4648 §4), padding optional; `null` for any other character or a bad length. */
function decodeBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const data = text.replace(/=+$/, "");
  if (data.length !== text.length && text.length % 4 !== 0) return null;
  if (data.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((data.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (const char of data) {
    buffer = ((buffer << 6) | BASE64_ALPHABET.indexOf(char)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}
