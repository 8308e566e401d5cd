import mqtt, { type MqttClient } from "mqtt";
import { type DeferredAck, type HeldMessage, installDeferredAck } from "./deferred-ack.ts";
import type { ReceivedMessage } from "./process-batch.ts";
import { PartiallyStoredError } from "./sql.ts";

export type ConsumerConfig = {
  mqttUrl: string;
  topicRoot: string;
  /** Stable across restarts: the broker keeps the session (subscription + unacknowledged messages). */
  clientId: string;
  /**
   * MQTT 5 shared subscription group: several ingest processes (each its own `clientId`) subscribe to
   * `$share/{group}/{topicRoot}/gateways/#` and the broker hands each message to one of them
   * (docs/ingest.md, "Scale-out"). Unset: a plain subscription (one consumer).
   */
  sharedGroup?: string;
  batch: { maxMessages: number; maxWaitMs: number };
  now: () => Date;
  log: (msg: string, fields?: object) => void;
  /**
   * Stores one batch and resolves after its commit; the batch's messages are acknowledged then.
   * Throws only when storage failed: the batch is kept and retried with backoff. A
   * `PartiallyStoredError` acknowledges its first `stored` messages and keeps only the rest.
   */
  onBatch: (messages: ReceivedMessage[]) => Promise<void>;
  /**
   * Called with the next batch's messages while `onBatch` stores the current one (those queued behind
   * it when it starts, then each arriving one, gathered per event-loop turn), so work that needs no
   * transaction can overlap the running one. Must not throw.
   */
  onUpcoming?: (messages: ReceivedMessage[]) => void;
};

export type ConsumerStatus = {
  connected: boolean;
  queued: number;
  /** Messages received since start (redeliveries included). */
  received: number;
  lastMessageAt: Date | null;
  /** Arrival of the oldest message not yet acknowledged (queued or in the batch being stored). */
  oldestQueuedAt: Date | null;
  /** A failed batch waits for its retry (storage is failing: see `lastError`). */
  retrying: boolean;
  /** The latest storage error since the last successful batch. */
  lastError: string | null;
  /**
   * PUBACKs held for messages received on the current connection and not yet committed. With the
   * queue empty this should be 0; a broker whose in-flight window is full of held messages sends nothing.
   */
  heldAcks: number;
};

export type Consumer = {
  /** Connects (persistent session) and subscribes; resolves once subscribed. */
  start(): Promise<void>;
  /** Stores everything queued, then disconnects. The session and its subscription stay on the broker. */
  stop(): Promise<void>;
  /** Drops the connection and the queue at once, like a crash: unacknowledged messages are redelivered. */
  abort(): void;
  /** Stores everything queued now (one transaction per `maxMessages`). */
  flush(): Promise<void>;
  status(): ConsumerStatus;
};

const MAX_RETRY_DELAY_MS = 30_000;

/** The subscription filter: `{root}/gateways/#`, or `$share/{group}/{root}/gateways/#` for a shared group. */
export function subscriptionFilter(topicRoot: string, sharedGroup?: string): string {
  const topic = `${topicRoot}/gateways/#`;
  if (sharedGroup === undefined) return topic;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(sharedGroup)) {
    throw new Error(
      `ingest: shared subscription group ${JSON.stringify(sharedGroup)} must be 1–64 letters, digits, '.', '_' or '-'`,
    );
  }
  return `$share/${sharedGroup}/${topic}`;
}

/**
 * The MQTT side of ingest: subscribes to `${topicRoot}/gateways/#` with QoS 1 on a persistent session,
 * queues messages, hands them to `onBatch` when `maxMessages` are queued or `maxWaitMs` after the first
 * one, and acknowledges each message only after its batch committed (see deferred-ack.ts).
 *
 * One filter, `gateways/#`, rather than `gateways/+/readings` plus a catch-all: it receives every
 * readings topic and every malformed one (recorded as `wrong_topic`), and overlapping subscriptions
 * could make a broker deliver a message twice.
 */
export function createConsumer(config: ConsumerConfig): Consumer {
  const { batch, log, now } = config;
  const filter = subscriptionFilter(config.topicRoot, config.sharedGroup);
  const maxMessages = Math.max(1, Math.floor(batch.maxMessages));
  let client: MqttClient | null = null;
  let acks: DeferredAck | null = null;
  /** `queuedAtMs` is wall-clock (not the injectable `now`): it only times the wait trigger. */
  type Entry = { message: ReceivedMessage; held: HeldMessage; queuedAtMs: number };
  let queue: Entry[] = [];
  /** Bumped by abort(): a batch from before it must not touch the new queue. */
  let generation = 0;
  let waitTimer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryDelayMs = 0;
  let lastError: string | null = null;
  let autoFlushPending = false;
  let tail: Promise<void> = Promise.resolve();
  let lastMessageAt: Date | null = null;
  let received = 0;
  /** A batch is being stored: arriving messages of the next batch go to `onUpcoming`. */
  let storing = false;
  let upcoming: ReceivedMessage[] = [];
  let upcomingTimer: NodeJS.Immediate | null = null;

  /** Hands messages to `onUpcoming`; a failing hook never affects the batch being stored. */
  const offerNext = (messages: ReceivedMessage[]) => {
    if (messages.length === 0 || config.onUpcoming === undefined) return;
    try {
      config.onUpcoming(messages);
    } catch (error) {
      log("ingest: onUpcoming failed", { error: (error as Error).message });
    }
  };

  const offerUpcoming = (message: ReceivedMessage) => {
    if (config.onUpcoming === undefined || !storing || queue.length > 2 * maxMessages) return;
    upcoming.push(message);
    upcomingTimer ??= setImmediate(() => {
      upcomingTimer = null;
      const messages = upcoming;
      upcoming = [];
      offerNext(messages);
    });
  };

  const onMessage = (held: HeldMessage) => {
    const receivedAt = now();
    lastMessageAt = receivedAt;
    received++;
    const message = { topic: held.topic, payload: held.payload, receivedAt };
    queue.push({ message, held, queuedAtMs: Date.now() });
    offerUpcoming(message);
    if (queue.length >= maxMessages) requestFlush();
    else armWaitTimer();
  };

  /** Flushes `maxWaitMs` after the oldest queued message arrived (unless a retry is already due). */
  const armWaitTimer = () => {
    const oldest = queue[0];
    if (oldest === undefined || waitTimer !== null || retryTimer !== null || client === null) return;
    const delay = Math.max(0, oldest.queuedAtMs + batch.maxWaitMs - Date.now());
    waitTimer = setTimeout(() => {
      waitTimer = null;
      requestFlush(true);
    }, delay);
  };

  /** Removes committed entries from the head of the queue and sends their PUBACKs. */
  const acknowledge = (entries: readonly Entry[]) => {
    queue.splice(0, entries.length);
    // PUBACKs in arrival order, as MQTT 3.1.1 §4.6 asks.
    for (const e of entries) e.held.release();
  };

  /**
   * Stores the queue batch by batch; a failing batch stays at the head of the queue. Without `all`,
   * only full batches are taken and a remainder waits for its `maxWaitMs`.
   */
  const drain = async (all: boolean) => {
    const gen = generation;
    if (waitTimer !== null) {
      clearTimeout(waitTimer);
      waitTimer = null;
    }
    while (gen === generation && (all ? queue.length > 0 : queue.length >= maxMessages)) {
      const entries = queue.slice(0, maxMessages);
      try {
        const pending = config.onBatch(entries.map((e) => e.message));
        storing = true;
        offerNext(queue.slice(entries.length, entries.length + maxMessages).map((e) => e.message));
        await pending;
      } catch (error) {
        // A split batch whose first messages were committed before a part failed: acknowledge those,
        // retry only the rest.
        const stored = error instanceof PartiallyStoredError ? Math.min(error.stored, entries.length) : 0;
        if (stored > 0 && gen === generation) acknowledge(entries.slice(0, stored));
        throw error;
      } finally {
        storing = false;
      }
      if (gen !== generation) return; // aborted meanwhile: the broker redelivers, storage is idempotent
      acknowledge(entries);
    }
    if (gen === generation) armWaitTimer();
  };

  /** Runs drains one after the other; a failure schedules a retry with exponential backoff. */
  const flushQueue = (all: boolean): Promise<void> => {
    const run = tail
      .then(() => drain(all))
      .then(
        () => {
          retryDelayMs = 0;
          lastError = null;
        },
        (error: unknown) => {
          scheduleRetry(error);
          throw error;
        },
      );
    tail = run.catch(() => {});
    return run;
  };

  const scheduleRetry = (error: unknown) => {
    lastError = (error as Error).message;
    retryDelayMs = Math.min(MAX_RETRY_DELAY_MS, Math.max(batch.maxWaitMs, 100, retryDelayMs * 2));
    log("ingest: storing a batch failed, retrying", {
      error: (error as Error).message,
      queued: queue.length,
      retryInMs: retryDelayMs,
    });
    if (retryTimer === null && client !== null) {
      retryTimer = setTimeout(() => {
        retryTimer = null;
        requestFlush(true);
      }, retryDelayMs);
    }
  };

  const flush = () => flushQueue(true);

  /** A flush triggered by the queue (size, wait or retry); at most one is waiting at a time. */
  const requestFlush = (all = false) => {
    if (autoFlushPending) return;
    autoFlushPending = true;
    flushQueue(all).then(
      () => {
        autoFlushPending = false;
      },
      () => {
        autoFlushPending = false; // logged and rescheduled by flush
      },
    );
  };

  const clearTimers = () => {
    if (upcomingTimer !== null) clearImmediate(upcomingTimer);
    upcomingTimer = null;
    upcoming = [];
    if (waitTimer !== null) clearTimeout(waitTimer);
    if (retryTimer !== null) clearTimeout(retryTimer);
    waitTimer = null;
    retryTimer = null;
  };

  return {
    async start() {
      if (client !== null) return;
      const c = mqtt.connect(config.mqttUrl, {
        clientId: config.clientId,
        clean: false,
        reconnectPeriod: 1000,
        connectTimeout: 10_000,
      });
      client = c;
      acks = installDeferredAck(c, onMessage);
      await new Promise<void>((resolve, reject) => {
        const onConnect = () => {
          c.removeListener("error", onError);
          resolve();
        };
        const onError = (error: Error) => {
          c.removeListener("connect", onConnect);
          c.end(true);
          client = null;
          reject(
            new Error(`ingest: cannot connect to the MQTT broker at ${config.mqttUrl}: ${error.message}`),
          );
        };
        c.once("connect", onConnect);
        c.once("error", onError);
      });
      c.on("error", (error) => log("ingest: MQTT error", { error: error.message }));
      c.on("offline", () => log("ingest: MQTT connection lost, reconnecting", { queued: queue.length }));
      c.on("reconnect", () => log("ingest: MQTT reconnecting"));
      const granted = await c.subscribeAsync(filter, { qos: 1 });
      // A broker that refuses the filter (e.g. no shared subscriptions) grants 128 (3.1.1) or ≥ 0x80 (5).
      const code = granted[0]?.qos ?? 128;
      if (code >= 0x80) {
        c.end(true);
        client = null;
        throw new Error(
          `ingest: the MQTT broker at ${config.mqttUrl} refused the subscription ${filter} (code ${code})` +
            (config.sharedGroup === undefined ? "" : "; does it support MQTT 5 shared subscriptions?"),
        );
      }
      log("ingest: subscribed", { topic: filter, clientId: config.clientId });
    },

    async stop() {
      clearTimers();
      try {
        await flush();
      } catch (error) {
        log("ingest: final flush failed; the broker redelivers the unacknowledged messages", {
          error: (error as Error).message,
        });
      }
      const c = client;
      client = null;
      clearTimers();
      // Not unsubscribing: the persistent session keeps collecting messages while ingest is down.
      if (c !== null) await c.endAsync();
    },

    abort() {
      generation++;
      clearTimers();
      queue = [];
      const c = client;
      client = null;
      c?.end(true);
    },

    flush,

    status: () => ({
      connected: client?.connected ?? false,
      queued: queue.length,
      received,
      lastMessageAt,
      oldestQueuedAt: queue[0]?.message.receivedAt ?? null,
      retrying: lastError !== null,
      lastError,
      heldAcks: acks?.held() ?? 0,
    }),
  };
}
