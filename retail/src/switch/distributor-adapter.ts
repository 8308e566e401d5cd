import { canonicalJson } from "@c4e/domain";

/**
 * What the supplier tells a distribution system operator (DSO) about a switch. The DSO runs the
 * metering point: it confirms the date supply by the new supplier starts, or refuses.
 */
export type SwitchMessageInput = {
  reference: string;
  /** when the message is produced (ISO instant) */
  createdAt: string;
  supplier: { code: string; name: string };
  distributor: { code: string; name: string };
  pod: { identifier: string; kind: string };
  customerName: string;
  supplyAddress: string;
  previousSupplier: string;
  meter: { number: string; readingKwh: string; readingDate: string };
  /** local date (YYYY-MM-DD) */
  requestedStart: string;
};

export type DistributorMessageKind = "switch_request" | "cancellation";

/** A produced message: its format name and the exact text that is stored and transmitted. */
export type ProducedMessage = { kind: DistributorMessageKind; format: string; payload: string };

/**
 * A port to one distributor message format (e.g. EDIFACT UTILMD in the German market, or a DSO's own
 * API). Producing is pure; transport and acknowledgement are recorded by the caller.
 */
export interface DistributorAdapter {
  readonly format: string;
  switchRequest(input: SwitchMessageInput): ProducedMessage;
  cancellation(input: SwitchMessageInput & { reason: string }): ProducedMessage;
}

/**
 * The `c4e-switch/1` format: one canonical JSON object (keys sorted, no whitespace) per message.
 * Documented with an example in docs/supplier-switch.md.
 */
export const c4eSwitchJsonAdapter: DistributorAdapter = {
  format: "c4e-switch/1",
  switchRequest(input) {
    return {
      kind: "switch_request",
      format: this.format,
      payload: canonicalJson(body(input, "switch_request")),
    };
  },
  cancellation(input) {
    return {
      kind: "cancellation",
      format: this.format,
      payload: canonicalJson({ ...body(input, "cancellation"), reason: input.reason }),
    };
  },
};

function body(input: SwitchMessageInput, kind: DistributorMessageKind) {
  return {
    format: "c4e-switch/1",
    kind,
    messageId: `${input.reference}-${kind === "switch_request" ? "REQ" : "CAN"}`,
    reference: input.reference,
    createdAt: input.createdAt,
    sender: { role: "supplier", code: input.supplier.code, name: input.supplier.name },
    recipient: { role: "distributor", code: input.distributor.code, name: input.distributor.name },
    pointOfDelivery: { identifier: input.pod.identifier, kind: input.pod.kind },
    customer: { name: input.customerName },
    supplyAddress: input.supplyAddress,
    previousSupplier: input.previousSupplier,
    meter: {
      number: input.meter.number,
      reading: { kwh: input.meter.readingKwh, date: input.meter.readingDate },
    },
    requestedStart: input.requestedStart,
  };
}
