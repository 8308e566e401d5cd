import type { IPublishPacket, MqttClient, Packet } from "mqtt";

/**
 * Acknowledge-after-commit for MQTT.js.
 *
 * MQTT.js hands QoS 1 messages to `client.handleMessage(packet, cb)` one at a time and sends the
 * PUBACK only when `cb` is called; the next message is read only after that. Holding `cb` until a
 * database commit would therefore stall delivery and make batching impossible. Instead:
 *
 * 1. `handleMessage` hands the message to the consumer and calls `cb` at once, so MQTT.js reads on;
 * 2. MQTT.js then sends the PUBACK through `client._sendPacket`, which we intercept: the packet is
 *    kept with the message and `_sendPacket`'s callback is called at once;
 * 3. after the batch's transaction commits, the consumer calls `release()` and the held PUBACK goes
 *    out through the original `_sendPacket`.
 *
 * A PUBACK held when the connection closes is dropped on release: the broker still has the message
 * in the (persistent, `clean: false`) session and delivers it again after the reconnect, and storage
 * is idempotent. A message is never acknowledged before its batch committed.
 *
 * Relies on MQTT.js 5 internals (`handlePublish` in `handlers/publish.js` sends the PUBACK
 * synchronously from the `handleMessage` callback through `client._sendPacket`); the test beside
 * this file proves the behaviour against a real broker.
 */

/** A delivered message whose broker acknowledgement waits for `release()`. */
export type HeldMessage = {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1 | 2;
  /** The broker marked it as a redelivery (DUP flag). */
  readonly redelivered: boolean;
  /** Sends the held PUBACK if the connection it arrived on is still open; no-op otherwise and for QoS 0. */
  release(): void;
};

export type DeferredAck = {
  /** PUBACKs held right now (not yet released or dropped). */
  held(): number;
  /** Restores MQTT.js's own `handleMessage` and `_sendPacket`. */
  uninstall(): void;
};

type SendPacket = (
  packet: Packet,
  cb?: (error?: Error) => void,
  cbStorePut?: () => void,
  noStore?: boolean,
) => void;
type ClientInternals = { _sendPacket: SendPacket };

type Holder = { messageId: number | undefined; puback: Packet | null; epoch: number; done: boolean };

/**
 * Installs the deferred acknowledgement on a client before it connects.
 * @example
 * const client = mqtt.connect(url, { clientId, clean: false });
 * installDeferredAck(client, (m) => queue.push(m)); // later, after COMMIT: m.release()
 */
export function installDeferredAck(
  client: MqttClient,
  onMessage: (message: HeldMessage) => void,
): DeferredAck {
  const internals = client as unknown as ClientInternals;
  const originalSend = internals._sendPacket;
  const originalHandleMessage = client.handleMessage;
  const held = new Set<Holder>();
  // Incremented on every close: a PUBACK from an older connection must never be sent on a newer one
  // (the broker may have reused its packet id for a redelivery that is not committed yet).
  let epoch = 0;
  let receiving: Holder | null = null;

  const onClose = () => {
    epoch++;
    held.clear();
  };
  client.on("close", onClose);

  internals._sendPacket = function interceptedSend(this: MqttClient, packet, cb, cbStorePut, noStore) {
    if (packet.cmd === "puback" && receiving !== null && packet.messageId === receiving.messageId) {
      receiving.puback = packet;
      held.add(receiving);
      cb?.();
      return;
    }
    originalSend.call(client, packet, cb, cbStorePut, noStore);
  };

  client.handleMessage = (packet: IPublishPacket, callback) => {
    const holder: Holder = { messageId: packet.messageId, puback: null, epoch, done: false };
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload, "utf8") : packet.payload;
    onMessage({
      topic: packet.topic,
      payload,
      qos: packet.qos,
      redelivered: packet.dup === true,
      release: () => {
        if (holder.done) return;
        holder.done = true;
        held.delete(holder);
        const puback = holder.puback;
        if (puback === null || holder.epoch !== epoch || !client.connected) return;
        originalSend.call(client, puback);
      },
    });
    // MQTT.js sends the PUBACK synchronously from this callback; `receiving` lets the intercepted
    // `_sendPacket` attach it to this message.
    receiving = holder;
    try {
      callback();
    } finally {
      receiving = null;
    }
  };

  return {
    held: () => held.size,
    uninstall: () => {
      internals._sendPacket = originalSend;
      client.handleMessage = originalHandleMessage;
      client.removeListener("close", onClose);
    },
  };
}
