/**
 * Reward policy v1: 1 C4E per kWh of verified export, settled per UTC-aligned period.
 * Documented in docs/reward-policy.md. A change of rules is a new version, never an edit of v1:
 * the version is part of the mint batch id.
 */

/** Part of the deterministic mint batch id (period + policy version). */
export const REWARD_POLICY_VERSION = "v1";

/** The C4E token has 18 decimals; amounts are bigint base units. */
export const TOKEN_DECIMALS = 18;

/** 1 C4E (10^18 base units) per kWh = 10^15 base units per Wh. */
export const BASE_UNITS_PER_WH = 10n ** 15n;

/** Production settlement period: one UTC day. */
export const DAILY_PERIOD_MINUTES = 1440;

const MS_PER_MINUTE = 60_000;

export type WalletAddress = `0x${string}`;

export interface SettlementPeriod {
  /** Exclusive: a reading at exactly `start` belongs to the period before. */
  readonly start: Date;
  /** Inclusive: a reading at exactly `end` closes this period. */
  readonly end: Date;
}

export interface RewardForExportParams {
  /** Verified export in the period, in Wh. */
  readonly exportWh: bigint;
}

/**
 * Token base units for an export: exportWh × 10^15, exact.
 * @example rewardForExport({ exportWh: 1500n }) // 1_500_000_000_000_000_000n (1.5 C4E)
 */
export function rewardForExport(params: RewardForExportParams): bigint {
  if (params.exportWh < 0n) throw new RangeError(`exportWh must be non-negative, got ${params.exportWh}`);
  return params.exportWh * BASE_UNITS_PER_WH;
}

export interface SettlementPeriodsParams {
  readonly from: Date;
  readonly to: Date;
  /** Period length; periods start at UTC multiples of it since 1970-01-01T00:00Z (1440 = UTC days). */
  readonly periodMinutes: number;
}

/**
 * The aligned periods that overlap the span from..to, in order (empty when from = to).
 * @example settlementPeriods({ from: new Date("2025-06-01T10:00Z"), to: new Date("2025-06-02T10:00Z"),
 *   periodMinutes: 1440 }) // [Jun 1 00:00Z..Jun 2 00:00Z, Jun 2 00:00Z..Jun 3 00:00Z]
 */
export function settlementPeriods(params: SettlementPeriodsParams): SettlementPeriod[] {
  const lengthMs = periodLengthMs(params.periodMinutes);
  const fromMs = instantMs(params.from, "from");
  const toMs = instantMs(params.to, "to");
  if (fromMs > toMs) throw new RangeError("from must not be after to");
  const periods: SettlementPeriod[] = [];
  if (fromMs === toMs) return periods;
  for (let start = floorTo(fromMs, lengthMs); start < toMs; start += lengthMs) {
    periods.push({ start: new Date(start), end: new Date(start + lengthMs) });
  }
  return periods;
}

export interface PeriodOfParams {
  readonly at: Date;
  readonly periodMinutes: number;
}

/**
 * The period (start, end] containing `at`: a cumulative reading at t closes the interval ending at t,
 * so a reading at exactly midnight belongs to the day before.
 * @example periodOf({ at: new Date("2025-06-02T00:00Z"), periodMinutes: 1440 })
 *   // { start: 2025-06-01T00:00Z, end: 2025-06-02T00:00Z }
 */
export function periodOf(params: PeriodOfParams): SettlementPeriod {
  const lengthMs = periodLengthMs(params.periodMinutes);
  const atMs = instantMs(params.at, "at");
  const floor = floorTo(atMs, lengthMs);
  const end = floor === atMs ? atMs : floor + lengthMs;
  return { start: new Date(end - lengthMs), end: new Date(end) };
}

export interface RewardRow {
  readonly customerId: string;
  readonly wallet: WalletAddress;
  readonly gatewayId: string;
  readonly meterId: string;
  /** Verified export of this meter in the period, in Wh. */
  readonly exportWh: bigint;
}

export interface SummarizeRewardsParams {
  readonly rows: readonly RewardRow[];
  /** Start of the settlement period (whole seconds). */
  readonly periodStart: Date;
}

export interface RewardRecipient {
  /** Lower-case address. */
  readonly wallet: WalletAddress;
  readonly exportWh: bigint;
  /** Token base units. */
  readonly amount: bigint;
}

/** One rewarded meter-period: the Merkle leaf that proves a reading was rewarded, and only once. */
export interface RewardLeaf {
  readonly gatewayId: string;
  readonly meterId: string;
  /** Unix seconds. */
  readonly periodStart: bigint;
  readonly exportWh: bigint;
  /** Lower-case address. */
  readonly recipient: WalletAddress;
}

export interface RewardSummary {
  readonly policyVersion: typeof REWARD_POLICY_VERSION;
  /** One per wallet with export > 0, sorted by wallet. */
  readonly recipients: RewardRecipient[];
  /** One per (gatewayId, meterId) with export > 0, sorted by gatewayId then meterId. */
  readonly leaves: RewardLeaf[];
  /** Sum of recipient amounts = rewardForExport(total export). */
  readonly totalAmount: bigint;
}

/**
 * Aggregates one period's verified export per wallet and per meter for one mint batch.
 * Rows of the same meter are summed; a meter whose export goes to two wallets is refused (RangeError),
 * because its leaf would be ambiguous. Wallets are compared and returned in lower case.
 */
export function summarizeRewards(params: SummarizeRewardsParams): RewardSummary {
  const periodStartMs = instantMs(params.periodStart, "periodStart");
  if (periodStartMs % 1000 !== 0) throw new RangeError("periodStart must be a whole second");
  const periodStart = BigInt(periodStartMs / 1000);

  const byWallet = new Map<WalletAddress, bigint>();
  const byMeter = new Map<
    string,
    { gatewayId: string; meterId: string; wallet: WalletAddress; exportWh: bigint }
  >();
  for (const row of params.rows) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(row.wallet)) {
      throw new RangeError(`wallet ${row.wallet} of meter ${row.meterId} is not a 20-byte hex address`);
    }
    if (row.exportWh < 0n) throw new RangeError(`exportWh of meter ${row.meterId} is negative`);
    if (row.exportWh === 0n) continue;
    const wallet = row.wallet.toLowerCase() as WalletAddress;
    byWallet.set(wallet, (byWallet.get(wallet) ?? 0n) + row.exportWh);
    const key = JSON.stringify([row.gatewayId, row.meterId]);
    const meter = byMeter.get(key);
    if (meter === undefined) {
      byMeter.set(key, { gatewayId: row.gatewayId, meterId: row.meterId, wallet, exportWh: row.exportWh });
    } else if (meter.wallet !== wallet) {
      throw new RangeError(
        `meter ${row.gatewayId}/${row.meterId} pays two wallets (${meter.wallet}, ${wallet}) in one period`,
      );
    } else {
      meter.exportWh += row.exportWh;
    }
  }

  const recipients = [...byWallet]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([wallet, exportWh]) => ({ wallet, exportWh, amount: rewardForExport({ exportWh }) }));
  const leaves = [...byMeter.values()]
    .sort((a, b) => compareStrings(a.gatewayId, b.gatewayId) || compareStrings(a.meterId, b.meterId))
    .map((meter) => ({
      gatewayId: meter.gatewayId,
      meterId: meter.meterId,
      periodStart,
      exportWh: meter.exportWh,
      recipient: meter.wallet,
    }));
  const totalAmount = recipients.reduce((sum, recipient) => sum + recipient.amount, 0n);
  return { policyVersion: REWARD_POLICY_VERSION, recipients, leaves, totalAmount };
}

/** Code-unit order, independent of locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function periodLengthMs(periodMinutes: number): number {
  if (!Number.isSafeInteger(periodMinutes) || periodMinutes <= 0) {
    throw new RangeError(`periodMinutes must be a positive integer, got ${periodMinutes}`);
  }
  return periodMinutes * MS_PER_MINUTE;
}

function instantMs(date: Date, name: string): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is an invalid date`);
  return ms;
}

/** Largest multiple of `step` not above `ms` (also for instants before 1970). */
function floorTo(ms: number, step: number): number {
  return ms - (((ms % step) + step) % step);
}

/**
 * Default of how far back a rewarded delta may reach (minutes): a reading may close an interval that
 * started up to this long before it (see reward-eligibility.ts). Bounds the per-period mint cap.
 */
export const DEFAULT_REWARD_MAX_GAP_MINUTES = 60;

export interface PeriodMintCapParams {
  /** Sum of the rated power of every rewarded meter, in W. */
  readonly ratedPowerW: bigint;
  /** Settlement period length in minutes. */
  readonly periodMinutes: number;
  /** How far before its period a rewarded delta may start, in minutes (a delta ending in a period may reach back this far). */
  readonly maxGapMinutes: number;
}

/**
 * The most one settlement period can mint if every rewarded meter exported at its rated power for the
 * whole period and the longest rewardable gap before it: ceil(ratedPowerW × (periodMinutes +
 * maxGapMinutes) / 60) Wh, in token base units. RewardMinter refuses batches beyond it
 * (`PeriodMintCapExceeded`), so a compromised oracle key cannot mint more than the fleet can produce.
 * @example periodMintCap({ ratedPowerW: 10_000n, periodMinutes: 1440, maxGapMinutes: 60 })
 *   // 250_000 Wh = 250 C4E = 250_000_000_000_000_000_000n
 */
export function periodMintCap(params: PeriodMintCapParams): bigint {
  const { ratedPowerW, periodMinutes, maxGapMinutes } = params;
  if (ratedPowerW < 0n) throw new RangeError(`ratedPowerW must be non-negative, got ${ratedPowerW}`);
  if (!Number.isSafeInteger(periodMinutes) || periodMinutes <= 0) {
    throw new RangeError(`periodMinutes must be a positive integer, got ${periodMinutes}`);
  }
  if (!Number.isSafeInteger(maxGapMinutes) || maxGapMinutes < 0) {
    throw new RangeError(`maxGapMinutes must be a non-negative integer, got ${maxGapMinutes}`);
  }
  const wattMinutes = ratedPowerW * BigInt(periodMinutes + maxGapMinutes);
  const wh = (wattMinutes + 59n) / 60n;
  return wh * BASE_UNITS_PER_WH;
}
