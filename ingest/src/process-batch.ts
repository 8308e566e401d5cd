import {
  checkReadings,
  gatewayIdFromTopic,
  MAX_PAYLOAD_BYTES,
  type MalformedReading,
  type MessageHeader,
  type ParsedReading,
  parseBody,
  parseEnvelope,
  type RejectReason,
} from "@c4e/domain";
import { createHash } from "node:crypto";
import { type Queryable, withTransaction } from "@c4e/prisma";
import type pg from "pg";
import {
  type CachedLatest,
  type LatestReadingCache,
  type MeterCache,
  newerReadingsThan,
  storedCopy,
} from "./latest-readings.ts";
import { createMeterView, type MeterView } from "./meter-view.ts";
import { PartiallyStoredError, sqlState, storageErrorKind } from "./sql.ts";
import {
  countRedeliveries,
  type IngestMessageRow,
  insertIngestMessages,
  insertRejectedInputs,
  insertBaselines,
  loadBaselines,
  loadMeters,
  loadStoredMessageKeys,
  loadStoredReadings,
  lockKeys,
  type MeterRow,
  type MeterSpan,
  messageKey,
  type RejectedInputRow,
  writeReadings,
} from "./store-readings.ts";
import { type GatewayKey, type GatewayKeyCache, verifySignature } from "./verify-signature.ts";

/** One MQTT message as the consumer received it. */
export type ReceivedMessage = {
  readonly topic: string;
  readonly payload: Buffer;
  readonly receivedAt: Date;
};

export type BatchResult = {
  messages: number;
  /** Messages stored in `ingest_message` (verified, not a duplicate message). */
  storedMessages: number;
  /**
   * Redelivered copies of stored messages (same gateway, message id and body, e.g. after a crash
   * between commit and acknowledgement): counted on `ingest_message.redeliveries`, nothing else stored.
   */
  duplicateMessages: number;
  acceptedReadings: number;
  duplicateReadings: number;
  /** Rows written to `rejected_input` (messages and readings). */
  rejected: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
};

export type ProcessBatchDeps = {
  pool: pg.Pool;
  gatewayKeys: GatewayKeyCache;
  topicRoot: string;
  clockSkewMs: number;
  /** Longest span between two readings whose export delta may be rewarded (domain `rewardEligibility`). */
  rewardMaxGapMinutes: number;
  log: (msg: string, fields?: object) => void;
  /** When given, milliseconds spent per phase of every batch are added to it (bench, stats). */
  phases?: IngestPhases;
  /**
   * Each meter's latest reading as this process last stored it (latest-readings.ts): appended readings
   * skip the reference lookups after one verifying probe. Without it every batch loads its references.
   */
  latestReadings?: LatestReadingCache;
  /** Registered meters seen recently (latest-readings.ts); without it every batch loads its meters. */
  meters?: MeterCache;
  /** Messages verified ahead (`prepareMessages`); without it every batch verifies its messages itself. */
  verifiedAhead?: VerifiedAhead;
};

/** The outcome of the message-level checks of messages verified ahead, by message. */
export type VerifiedAhead = WeakMap<ReceivedMessage, VerifiedMessage>;

type VerifiedMessage = {
  readonly at: number;
  readonly rejections: readonly RejectedInputRow[];
  readonly candidate: Candidate | null;
};

/** A result verified ahead is used for this long (a gateway key may be rotated or revoked meanwhile). */
const VERIFIED_AHEAD_TTL_MS = 30_000;
/** Messages verified between two yields to the event loop (the running batch's queries go on). */
const VERIFY_AHEAD_CHUNK = 50;

/**
 * Runs the message-level checks (size, topic, envelope, gateway, signature, body: no transaction) of
 * the next batch while the current one is being stored, in chunks between which the event loop serves
 * the running batch; `processBatch` then takes the results instead of verifying again.
 */
export async function prepareMessages(
  deps: ProcessBatchDeps,
  messages: readonly ReceivedMessage[],
): Promise<void> {
  const memo = deps.verifiedAhead;
  if (memo === undefined) return;
  const todo = messages.filter((m) => !memo.has(m));
  for (let i = 0; i < todo.length; i += VERIFY_AHEAD_CHUNK) {
    const started = performance.now();
    const chunk = todo.slice(i, i + VERIFY_AHEAD_CHUNK);
    const rejections: RejectedInputRow[][] = chunk.map(() => []);
    const candidates = await verifyMessages(deps, chunk, rejections);
    const byIndex = new Map(candidates.map((c) => [c.index, c.candidate]));
    const at = Date.now();
    chunk.forEach((message, j) =>
      memo.set(message, { at, rejections: rejections[j] ?? [], candidate: byIndex.get(j) ?? null }),
    );
    if (deps.phases !== undefined) deps.phases.verifyAhead += performance.now() - started;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** `verifyMessages`, taking what was verified ahead (and is fresh) instead of verifying it again. */
async function verifyOrTake(
  deps: ProcessBatchDeps,
  messages: readonly ReceivedMessage[],
  rejections: RejectedInputRow[][],
): Promise<{ index: number; candidate: Candidate }[]> {
  const memo = deps.verifiedAhead;
  if (memo === undefined) return await verifyMessages(deps, messages, rejections);
  const now = Date.now();
  const candidates: { index: number; candidate: Candidate }[] = [];
  const rest: number[] = [];
  messages.forEach((message, index) => {
    const done = memo.get(message);
    if (done === undefined || now - done.at > VERIFIED_AHEAD_TTL_MS) {
      rest.push(index);
      return;
    }
    (rejections[index] as RejectedInputRow[]).push(...done.rejections);
    if (done.candidate !== null) candidates.push({ index, candidate: done.candidate });
  });
  if (rest.length > 0) {
    const restRejections: RejectedInputRow[][] = rest.map(() => []);
    const verified = await verifyMessages(
      deps,
      rest.map((i) => messages[i] as ReceivedMessage),
      restRejections,
    );
    rest.forEach((i, j) => (rejections[i] as RejectedInputRow[]).push(...(restRejections[j] ?? [])));
    for (const v of verified) candidates.push({ index: rest[v.index] as number, candidate: v.candidate });
    candidates.sort((a, b) => a.index - b.index);
  }
  return candidates;
}

/** Wall-clock milliseconds per phase of storing batches (summed over batches; retries included). */
export type IngestPhases = {
  /** size, topic, envelope, Ed25519 signature, body (no transaction) of messages not verified ahead */
  verify: number;
  /**
   * the same checks done ahead (`prepareMessages`) for the next batch while the current one is stored;
   * overlapped with the other phases, so not part of a batch's time
   */
  verifyAhead: number;
  /** connection and BEGIN, registered meters */
  loadMeters: number;
  /** the advisory lock buckets (waits for other consumers' batches on the same buckets) */
  locks: number;
  /** stored message ids */
  loadMessages: number;
  /** stored readings around the batch's and baselines */
  loadReferences: number;
  /** plausibility gate and meter views (domain checkReadings, rewardEligibility) */
  checks: number;
  /** reading rows (COPY) and intervals */
  writeReadings: number;
  /** baselines, ingest_message, redeliveries, rejected_input */
  writeOther: number;
  commit: number;
};

export function emptyPhases(): IngestPhases {
  return {
    verify: 0,
    verifyAhead: 0,
    loadMeters: 0,
    locks: 0,
    loadMessages: 0,
    loadReferences: 0,
    checks: 0,
    writeReadings: 0,
    writeOther: 0,
    commit: 0,
  };
}

/**
 * Bytes of a refused message kept with its rejection. Message-level rejections are unauthenticated
 * (anyone who can publish can cause them), so they never store more than this; the detail says how
 * large the payload was. Rows are purged after the retention period (`purgeRejectedInputs`).
 */
export const REJECTED_PAYLOAD_KEPT_BYTES = 4096;

/**
 * Verifies, checks and stores one batch of messages in one transaction. Bad input never throws: every
 * refused message or reading becomes a `rejected_input` row, and the rest of the batch is stored.
 *
 * Storage errors (sql.ts, `storageErrorKind`): should the database refuse the batch for what it holds
 * (a value a column cannot hold, a statement too large, a resource a smaller transaction would not
 * exhaust), the batch is halved and each half stored on its own, recursively, until the message that
 * fails alone is isolated; that message is recorded as rejected (`malformed_envelope`, "not storable: …")
 * so one poisonous message or an oversized batch never blocks ingest. A transient error (connection,
 * serialization failure, deadlock) is thrown for the caller to retry; if part of a split batch was
 * committed before, a `PartiallyStoredError` says how many leading messages are stored.
 */
export async function processBatch(
  deps: ProcessBatchDeps,
  messages: readonly ReceivedMessage[],
): Promise<BatchResult> {
  const progress = { stored: 0, result: emptyResult(0) };
  try {
    await storeSplitting(deps, messages, progress);
    return progress.result;
  } catch (error) {
    if (progress.stored === 0) throw error;
    throw new PartiallyStoredError(progress.stored, progress.result, error);
  }
}

/** Stores `messages`, halving on non-transient errors; parts are committed in arrival order. */
async function storeSplitting(
  deps: ProcessBatchDeps,
  messages: readonly ReceivedMessage[],
  progress: { stored: number; result: BatchResult },
): Promise<void> {
  if (messages.length === 0) return;
  const done = (result: BatchResult) => {
    progress.stored += messages.length;
    progress.result = addResults(progress.result, result);
  };
  let error: unknown;
  try {
    done(await runBatch(deps, messages, { copy: true }));
    return;
  } catch (e) {
    error = e;
  }
  if (sqlState(error) === "23505") {
    // COPY met a reading row the meter views did not know (writeReadings): store the same batch again
    // with INSERT … ON CONFLICT DO NOTHING, which skips it (and without anything cached).
    deps.latestReadings?.clear();
    deps.log("ingest: COPY met a stored reading, storing the batch with INSERT instead", {
      messages: messages.length,
      error: (error as Error).message,
    });
    try {
      done(await runBatch(deps, messages, { copy: false }));
      return;
    } catch (e) {
      error = e;
    }
  }
  const kind = storageErrorKind(error);
  const code = sqlState(error);
  if (kind === "transient" || (kind === "resource" && messages.length === 1)) throw error;
  if (messages.length === 1) {
    const message = messages[0] as ReceivedMessage;
    deps.log("ingest: message cannot be stored, recorded as rejected", {
      topic: message.topic,
      code,
      error: (error as Error).message,
    });
    const row = messageRejection(
      message,
      "malformed_envelope",
      `not storable: ${(error as Error).message}${code === null ? "" : ` (SQLSTATE ${code})`}`,
    );
    await withTransaction(deps.pool, (db) => insertRejectedInputs(db, [row]));
    done({ ...emptyResult(1), rejected: 1, rejectedByReason: { malformed_envelope: 1 } });
    return;
  }
  const half = Math.ceil(messages.length / 2);
  deps.log("ingest: batch refused by the database, storing it in halves", {
    messages: messages.length,
    halves: [half, messages.length - half],
    code,
    error: (error as Error).message,
  });
  await storeSplitting(deps, messages.slice(0, half), progress);
  await storeSplitting(deps, messages.slice(half), progress);
}

type Candidate = {
  readonly message: ReceivedMessage;
  readonly gatewayId: string;
  readonly header: MessageHeader;
  readonly body: string;
  readonly raw: string;
  readonly readings: ParsedReading[];
  readonly malformed: MalformedReading[];
};

async function runBatch(
  deps: ProcessBatchDeps,
  messages: readonly ReceivedMessage[],
  options: { copy: boolean },
): Promise<BatchResult> {
  const phases = deps.phases;
  let t = performance.now();
  /** Adds the time since the previous mark to `phase` (docs/ingest.md, "Phase timings"). */
  const tick = (phase: keyof IngestPhases) => {
    const now = performance.now();
    if (phases !== undefined) phases[phase] += now - t;
    t = now;
  };
  const result = emptyResult(messages.length);
  // Rejections per message, so rows are written in arrival order.
  const rejections: RejectedInputRow[][] = messages.map(() => []);
  const candidates = await verifyOrTake(deps, messages, rejections);
  tick("verify");

  const ingestRows: IngestMessageRow[] = [];
  const redeliveries: Redelivery[] = [];
  let committedViews = new Map<string, MeterView>();
  await withTransaction(deps.pool, async (db) => {
    const batch = await loadBatchState(db, deps, candidates, tick);
    for (const { index, candidate } of candidates) {
      const outcome = checkMessage(deps, batch, candidate, rejections[index] as RejectedInputRow[]);
      if (outcome.kind === "redelivery") redeliveries.push(outcome.redelivery);
      else if (outcome.kind === "stored") {
        ingestRows.push(outcome.row);
        result.acceptedReadings += outcome.row.accepted;
        result.duplicateReadings += outcome.row.duplicates;
      }
    }
    tick("checks");
    await writeReadings(db, new Map([...batch.views].map(([id, view]) => [id, view.entries()])), options);
    tick("writeReadings");
    const newBaselines: { meterId: string; baselineAt: Date }[] = [];
    for (const [meterId, view] of batch.views) {
      const baseline = view.baseline();
      if (baseline?.isNew) newBaselines.push({ meterId, baselineAt: baseline.at });
    }
    await insertBaselines(db, newBaselines);
    await insertIngestMessages(db, ingestRows);
    await countRedeliveries(db, redeliveries);
    await insertRejectedInputs(db, rejections.flat());
    tick("writeOther");
    committedViews = batch.views;
  });
  tick("commit");
  if (deps.latestReadings !== undefined) rememberLatest(deps.latestReadings, committedViews);

  result.storedMessages = ingestRows.length;
  result.duplicateMessages = redeliveries.length;
  for (const row of rejections.flat()) {
    result.rejected++;
    result.rejectedByReason[row.reason] = (result.rejectedByReason[row.reason] ?? 0) + 1;
  }
  return result;
}

type Redelivery = { gatewayId: string; messageId: string; receivedAt: Date };

/**
 * After a commit: a meter whose view ends with a reading this batch stored has that reading as its
 * latest (a stored reading after it would be the view's last entry). Other entries stay as they are;
 * a stale one only costs its verifying probe.
 */
function rememberLatest(cache: LatestReadingCache, views: ReadonlyMap<string, MeterView>): void {
  for (const [meterId, view] of views) {
    const list = view.entries();
    const last = list[list.length - 1];
    const baseline = view.baseline();
    if (last?.origin === "new" && baseline !== null)
      cache.set(meterId, { entry: last, baselineAt: baseline.at });
  }
}

/** What one batch's checks read, inside its transaction: meters, stored messages, a view per meter. */
type BatchState = {
  readonly meters: Map<string, MeterRow>;
  /** Body hashes of the messages stored before or earlier in this batch (null: stored without one). */
  readonly known: Map<string, Buffer | null>;
  readonly views: Map<string, MeterView>;
  readonly viewOf: (meterId: string) => MeterView;
};

/** Loads the meters, locks them and the messages, and reads every reference the checks need. */
async function loadBatchState(
  db: Queryable,
  deps: ProcessBatchDeps,
  candidates: readonly { candidate: Candidate }[],
  tick: (phase: keyof IngestPhases) => void,
): Promise<BatchState> {
  const meterIds = [
    ...new Set(candidates.flatMap(({ candidate }) => candidate.readings.map((r) => r.meterId))),
  ];
  const meters =
    deps.meters === undefined ? await loadMeters(db, meterIds) : await deps.meters.load(db, meterIds);
  tick("loadMeters");
  await lockKeys(db, [
    ...[...meters.keys()].map((id) => `meter:${id}`),
    ...candidates.map(({ candidate: c }) => `message:${messageKey(c.gatewayId, c.header.messageId)}`),
  ]);
  tick("locks");
  const storedMessages = await loadStoredMessageKeys(
    db,
    candidates.map(({ candidate: c }) => ({ gatewayId: c.gatewayId, messageId: c.header.messageId })),
  );
  tick("loadMessages");

  // One query for the references of every meter in the batch.
  const spans = new Map<string, MeterSpan>();
  for (const { candidate: c } of candidates) {
    if (storedMessages.has(messageKey(c.gatewayId, c.header.messageId))) continue;
    for (const r of c.readings) {
      if (meters.get(r.meterId)?.gatewayId !== c.gatewayId) continue;
      const span = spans.get(r.meterId);
      if (span === undefined) spans.set(r.meterId, { meterId: r.meterId, minAt: r.at, maxAt: r.at });
      else {
        if (r.at < span.minAt) span.minAt = r.at;
        if (r.at > span.maxAt) span.maxAt = r.at;
      }
    }
  }
  // Meters whose readings all follow their cached latest reading: one verifying probe instead of the
  // reference lookups, unless another process stored a later reading meanwhile (latest-readings.ts).
  const appended = new Map<string, CachedLatest>();
  if (deps.latestReadings !== undefined) {
    const probe = new Map<string, Date>();
    for (const span of spans.values()) {
      const cached = deps.latestReadings.get(span.meterId);
      if (cached !== undefined && span.minAt.getTime() > cached.entry.at.getTime()) {
        appended.set(span.meterId, cached);
        probe.set(span.meterId, cached.entry.at);
      }
    }
    for (const meterId of await newerReadingsThan(db, probe)) {
      appended.delete(meterId);
      deps.latestReadings.delete(meterId);
    }
  }
  const lookup = [...spans.values()].filter((s) => !appended.has(s.meterId));
  const stored = await loadStoredReadings(db, lookup);
  const baselines = await loadBaselines(
    db,
    lookup.map((s) => s.meterId),
  );
  for (const [meterId, cached] of appended) {
    stored.set(meterId, [storedCopy(cached.entry)]);
    baselines.set(meterId, cached.baselineAt);
  }
  tick("loadReferences");
  const views = new Map<string, MeterView>();
  const viewOf = (meterId: string): MeterView => {
    let view = views.get(meterId);
    if (view === undefined) {
      view = createMeterView(stored.get(meterId) ?? [], {
        baselineAt: baselines.get(meterId) ?? null,
        maxGapMinutes: deps.rewardMaxGapMinutes,
      });
      views.set(meterId, view);
    }
    return view;
  };
  return { meters, known: new Map(storedMessages), views, viewOf };
}

type MessageOutcome =
  | { kind: "redelivery"; redelivery: Redelivery }
  | { kind: "refused" }
  | { kind: "stored"; row: IngestMessageRow };

/**
 * Checks one verified message against the batch state: a redelivered copy is only counted, a reused id
 * with another body is refused, otherwise every reading goes through the plausibility gate and the
 * accepted ones join their meter's view. Rejections are appended to `out`.
 */
function checkMessage(
  deps: ProcessBatchDeps,
  batch: BatchState,
  c: Candidate,
  out: RejectedInputRow[],
): MessageOutcome {
  const key = messageKey(c.gatewayId, c.header.messageId);
  const bodySha256 = createHash("sha256").update(c.body, "utf8").digest();
  if (batch.known.has(key)) {
    const storedSha256 = batch.known.get(key) ?? null;
    if (storedSha256 === null || storedSha256.equals(bodySha256)) {
      // A redelivered copy (crash or reconnect between commit and acknowledgement): counted only.
      return {
        kind: "redelivery",
        redelivery: {
          gatewayId: c.gatewayId,
          messageId: c.header.messageId,
          receivedAt: c.message.receivedAt,
        },
      };
    }
    out.push({
      ...messageRejection(
        c.message,
        "duplicate_message",
        `message id ${c.header.messageId} was already stored with a different body; this message was not stored`,
        c.raw,
      ),
      gatewayId: c.gatewayId,
      messageId: c.header.messageId,
    });
    return { kind: "refused" };
  }
  batch.known.set(key, bodySha256);
  const rawOf = rawReadingLookup(c);
  const rejectReading = (reading: ParsedReading, reason: RejectReason, detail: string) =>
    out.push({
      receivedAt: c.message.receivedAt,
      topic: c.message.topic,
      gatewayId: c.gatewayId,
      messageId: c.header.messageId,
      meterId: reading.meterId,
      readingAt: reading.at,
      reason,
      detail,
      payload: rawOf(reading),
    });
  let rejectedReadings = c.malformed.length;
  for (const m of c.malformed) {
    out.push({
      receivedAt: c.message.receivedAt,
      topic: c.message.topic,
      gatewayId: c.gatewayId,
      messageId: c.header.messageId,
      meterId: m.meterId ?? null,
      readingAt: null,
      reason: m.reason,
      detail: m.detail,
      payload: jsonText(m.raw),
    });
  }

  const byMeter = new Map<string, ParsedReading[]>();
  for (const reading of c.readings) {
    const meter = batch.meters.get(reading.meterId);
    if (meter === undefined) {
      rejectReading(reading, "unknown_meter", `meter ${reading.meterId} is not registered`);
      rejectedReadings++;
    } else if (meter.gatewayId !== c.gatewayId) {
      rejectReading(
        reading,
        "meter_of_other_gateway",
        `meter ${reading.meterId} is registered to gateway ${meter.gatewayId}, not ${c.gatewayId}`,
      );
      rejectedReadings++;
    } else {
      const list = byMeter.get(reading.meterId) ?? [];
      list.push(reading);
      byMeter.set(reading.meterId, list);
    }
  }

  let accepted = 0;
  let duplicates = 0;
  for (const [meterId, readings] of byMeter) {
    const meter = batch.meters.get(meterId);
    if (meter === undefined) continue;
    const checked = checkMeterReadings(deps, batch.viewOf(meterId), meter, c, readings, rejectReading);
    accepted += checked.accepted;
    duplicates += checked.duplicates;
    rejectedReadings += checked.rejected;
  }
  return {
    kind: "stored",
    row: {
      gatewayId: c.gatewayId,
      messageId: c.header.messageId,
      receivedAt: c.message.receivedAt,
      sentAt: c.header.sentAt,
      accepted,
      duplicates,
      rejected: rejectedReadings,
      bodySha256,
    },
  };
}

/** The plausibility gate for one meter's readings of one message; the accepted ones join its view. */
function checkMeterReadings(
  deps: ProcessBatchDeps,
  view: MeterView,
  meter: MeterRow,
  c: Candidate,
  readings: ParsedReading[],
  rejectReading: (reading: ParsedReading, reason: RejectReason, detail: string) => void,
): { accepted: number; duplicates: number; rejected: number } {
  const times = readings.map((r) => r.at.getTime());
  const { previous, next, existing } = view.neighbours(
    new Date(Math.min(...times)),
    new Date(Math.max(...times)),
  );
  let check: ReturnType<typeof checkReadings>;
  try {
    check = checkReadings({
      meter: { meterId: meter.id, ratedPowerW: meter.ratedPowerW },
      readings,
      previous,
      next,
      existing,
      now: c.message.receivedAt,
      clockSkewMs: deps.clockSkewMs,
    });
  } catch (error) {
    // A meter the gate cannot judge (e.g. a negative rating in the register): refuse, keep going.
    deps.log("ingest: readings of a misconfigured meter refused", {
      meterId: meter.id,
      error: (error as Error).message,
    });
    for (const reading of readings) {
      rejectReading(
        reading,
        "unknown_meter",
        `meter ${meter.id} cannot be checked: ${(error as Error).message}`,
      );
    }
    return { accepted: 0, duplicates: 0, rejected: readings.length };
  }
  view.accept(check.accepted, {
    gatewayId: c.gatewayId,
    messageId: c.header.messageId,
    receivedAt: c.message.receivedAt,
  });
  for (const r of check.rejected) rejectReading(r.reading, r.reason, r.detail);
  return {
    accepted: check.accepted.length,
    duplicates: check.duplicates.length,
    rejected: check.rejected.length,
  };
}

/**
 * Message-level checks that need no transaction: size, topic, envelope, gateway, signature, body.
 * Returns the messages that passed, with their arrival index; the others get a rejection row.
 */
async function verifyMessages(
  deps: ProcessBatchDeps,
  messages: readonly ReceivedMessage[],
  rejections: RejectedInputRow[][],
): Promise<{ index: number; candidate: Candidate }[]> {
  type Parsed = {
    index: number;
    message: ReceivedMessage;
    gatewayId: string;
    raw: string;
    envelope: Envelope;
  };
  type Envelope = Extract<ReturnType<typeof parseEnvelope>, { ok: true }>["envelope"];
  const parsed: Parsed[] = [];
  messages.forEach((message, index) => {
    const out = rejections[index] as RejectedInputRow[];
    if (message.payload.length > MAX_PAYLOAD_BYTES) {
      out.push(
        messageRejection(
          message,
          "payload_too_large",
          `payload is ${message.payload.length} bytes, at most ${MAX_PAYLOAD_BYTES} allowed`,
        ),
      );
      return;
    }
    const gatewayId = gatewayIdFromTopic(message.topic, deps.topicRoot);
    if (gatewayId === null) {
      out.push(
        messageRejection(
          message,
          "wrong_topic",
          `topic is not ${deps.topicRoot}/gateways/{gatewayId}/readings`,
        ),
      );
      return;
    }
    const raw = message.payload.toString("utf8");
    const envelope = parseEnvelope(raw);
    if (!envelope.ok) {
      out.push({ ...messageRejection(message, envelope.reason, envelope.detail), gatewayId });
      return;
    }
    parsed.push({ index, message, gatewayId, raw, envelope: envelope.envelope });
  });

  // Each signature is verified once per key: the result is kept with the key object it was checked with.
  const checkedWith = new Map<Parsed, { key: GatewayKey["publicKey"]; ok: boolean }>();
  const verified = (gateway: GatewayKey | undefined, p: Parsed): boolean => {
    const key = gateway?.publicKey ?? null;
    if (key === null) return false;
    const done = checkedWith.get(p);
    if (done !== undefined && done.key === key) return done.ok;
    const ok = verifySignature({ publicKey: key, body: p.envelope.body, signature: p.envelope.sigBytes });
    checkedWith.set(p, { key, ok });
    return ok;
  };

  let gateways = await deps.gatewayKeys.get(parsed.map((p) => p.gatewayId));
  // A failed signature may mean a rotated key: reload those gateways once before refusing.
  const failed = parsed.filter(
    (p) => gateways.get(p.gatewayId)?.active && !verified(gateways.get(p.gatewayId), p),
  );
  if (failed.length > 0) {
    const ids = new Set(failed.map((p) => p.gatewayId));
    deps.gatewayKeys.forget(ids);
    gateways = new Map([...gateways, ...(await deps.gatewayKeys.get(ids))]);
  }

  const candidates: { index: number; candidate: Candidate }[] = [];
  for (const p of parsed) {
    const out = rejections[p.index] as RejectedInputRow[];
    const reject = (reason: RejectReason, detail: string) =>
      out.push({ ...messageRejection(p.message, reason, detail, p.raw), gatewayId: p.gatewayId });
    const gateway = gateways.get(p.gatewayId);
    if (gateway === undefined) {
      reject("unknown_gateway", `gateway ${p.gatewayId} is not registered`);
      continue;
    }
    if (!gateway.active) {
      reject("unknown_gateway", `gateway ${p.gatewayId} is not active`);
      continue;
    }
    if (!verified(gateway, p)) {
      reject(
        "bad_signature",
        gateway.keyProblem ?? `signature does not verify with the registered key of gateway ${p.gatewayId}`,
      );
      continue;
    }
    const body = parseBody({ body: p.envelope.body, topicGatewayId: p.gatewayId });
    if (!body.ok) {
      reject(body.reason, body.detail);
      continue;
    }
    candidates.push({
      index: p.index,
      candidate: {
        message: p.message,
        gatewayId: p.gatewayId,
        header: body.header,
        body: p.envelope.body,
        raw: p.raw,
        readings: body.readings,
        malformed: body.rejected,
      },
    });
  }
  return candidates;
}

/** A message-level rejection row (gateway and message id filled in by the caller where known). */
function messageRejection(
  message: ReceivedMessage,
  reason: RejectReason,
  detail: string,
  raw?: string,
): RejectedInputRow {
  const bytes = raw === undefined ? message.payload : Buffer.from(raw, "utf8");
  const truncated = bytes.length > REJECTED_PAYLOAD_KEPT_BYTES;
  // Cut at a character boundary: drop a partial UTF-8 sequence at the end.
  const payload = truncated
    ? bytes
        .subarray(0, REJECTED_PAYLOAD_KEPT_BYTES)
        .toString("utf8")
        .replace(/\uFFFD+$/u, "")
    : bytes.toString("utf8");
  return {
    receivedAt: message.receivedAt,
    topic: message.topic,
    gatewayId: null,
    messageId: null,
    meterId: null,
    readingAt: null,
    reason,
    detail: truncated
      ? `${detail} (payload of ${bytes.length} bytes: first ${REJECTED_PAYLOAD_KEPT_BYTES} kept)`
      : detail,
    payload,
  };
}

/**
 * The reading's JSON as the gateway sent it. `parseBody` keeps the valid readings in their original
 * order and lists the malformed ones by index, so the k-th parsed reading is the k-th index that is not
 * malformed. Falls back to a re-serialisation of the parsed reading.
 */
function rawReadingLookup(c: Candidate): (reading: ParsedReading) => string {
  let byReading: Map<ParsedReading, unknown> | null = null;
  return (reading) => {
    if (byReading === null) {
      const map = new Map<ParsedReading, unknown>();
      byReading = map;
      try {
        const all = (JSON.parse(c.body) as { readings: unknown[] }).readings;
        const malformed = new Set(c.malformed.map((m) => m.index));
        const validIndexes = all.map((_, i) => i).filter((i) => !malformed.has(i));
        if (validIndexes.length === c.readings.length) {
          c.readings.forEach((r, k) => {
            map.set(r, all[validIndexes[k] as number]);
          });
        }
      } catch {
        // keep the fallback
      }
    }
    const raw = byReading.get(reading);
    if (raw !== undefined) return jsonText(raw);
    return jsonText({
      meterId: reading.meterId,
      at: reading.at.toISOString(),
      importWh: reading.importWh.toString(),
      exportWh: reading.exportWh.toString(),
      intervals: reading.intervals.map((i) => ({
        start: i.start.toISOString(),
        end: i.end.toISOString(),
        importWh: i.importWh.toString(),
        exportWh: i.exportWh.toString(),
      })),
    });
  };
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function emptyResult(messages: number): BatchResult {
  return {
    messages,
    storedMessages: 0,
    duplicateMessages: 0,
    acceptedReadings: 0,
    duplicateReadings: 0,
    rejected: 0,
    rejectedByReason: {},
  };
}

function addResults(a: BatchResult, b: BatchResult): BatchResult {
  const rejectedByReason = { ...a.rejectedByReason };
  for (const [reason, count] of Object.entries(b.rejectedByReason) as [RejectReason, number][]) {
    rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + count;
  }
  return {
    messages: a.messages + b.messages,
    storedMessages: a.storedMessages + b.storedMessages,
    duplicateMessages: a.duplicateMessages + b.duplicateMessages,
    acceptedReadings: a.acceptedReadings + b.acceptedReadings,
    duplicateReadings: a.duplicateReadings + b.duplicateReadings,
    rejected: a.rejected + b.rejected,
    rejectedByReason,
  };
}
