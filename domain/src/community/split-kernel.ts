/**
 * The hot path of `computeCommunityPeriod`: the same split as `splitInterval`, on integer Wh held in
 * JavaScript numbers and written into reused arrays (a quarter of 1,000 communities is ~10⁹ meter
 * quarter hours; bigint and per-interval allocations made it 25× slower). Every value is an integer
 * and every product is checked to stay below 2⁵³, where number arithmetic on integers is exact; when
 * a product would not, the kernel returns false and the caller uses `splitInterval` (bigint).
 * `community.test.ts` checks that both give identical results.
 */

const MAX = Number.MAX_SAFE_INTEGER;

/** Scratch space for one community (sized once). */
export type KernelBuffers = {
  solar: number[];
  toConsumers: number[];
  toBattery: number[];
  left: number[];
  sourceWeights: number[];
  remainders: number[];
  order: number[];
  /** remainder × 1024 + (1023 − index): one native numeric sort orders remainders desc, index asc */
  keys: Float64Array;
};

export function kernelBuffers(plants: number, consumers: number): KernelBuffers {
  const size = Math.max(plants + 1, consumers);
  return {
    solar: new Array<number>(consumers).fill(0),
    toConsumers: new Array<number>(plants + 1).fill(0),
    toBattery: new Array<number>(plants).fill(0),
    left: new Array<number>(plants).fill(0),
    sourceWeights: new Array<number>(plants + 1).fill(0),
    remainders: new Array<number>(size).fill(0),
    order: [],
    keys: new Float64Array(size),
  };
}

/**
 * Largest remainder of `total` over `weights[0..count)` (Σ = `sum` > 0) into `out`; false when a
 * product total × w could leave the exact integer range. Ties go to the lower index.
 */
function largestRemainder(
  total: number,
  weights: readonly number[],
  count: number,
  sum: number,
  out: number[],
  b: KernelBuffers,
): boolean {
  if (total * sum > MAX) return false;
  let given = 0;
  const order = b.order;
  order.length = 0;
  for (let j = 0; j < count; j++) {
    const p = total * weights[j]!;
    let q = Math.floor(p / sum);
    let r = p - q * sum;
    if (r < 0) {
      q--;
      r += sum;
    } else if (r >= sum) {
      q++;
      r -= sum;
    }
    out[j] = q;
    given += q;
    b.remainders[j] = r;
    if (r > 0) order.push(j);
  }
  let left = total - given;
  if (left <= 0) return true;
  const rem = b.remainders;
  if (count <= 1024 && sum * 1024 < MAX) {
    const m = order.length;
    const keys = b.keys.subarray(0, m);
    for (let k = 0; k < m; k++) keys[k] = rem[order[k]!]! * 1024 + (1023 - order[k]!);
    keys.sort();
    for (let k = m - 1; k >= 0 && left > 0; k--, left--) {
      const j = 1023 - (keys[k]! % 1024);
      out[j] = out[j]! + 1;
    }
    return true;
  }
  order.sort((x, y) => rem[y]! - rem[x]! || x - y);
  for (let k = 0; k < order.length && left > 0; k++, left--) out[order[k]!] = out[order[k]!]! + 1;
  return true;
}

/**
 * Splits one interval. Inputs: production per plant, consumption per consumer, battery charge and
 * discharge (0 without a battery). Outputs in `b`: solar per consumer, toConsumers per source
 * (plants, then the battery at index `plants`), toBattery per plant; returns the charge taken from
 * solar, or -1 when the caller must use the bigint path.
 */
export function splitKernel(
  production: readonly number[],
  plants: number,
  consumption: readonly number[],
  consumers: number,
  charge: number,
  discharge: number,
  b: KernelBuffers,
): number {
  let produced = 0;
  for (let k = 0; k < plants; k++) produced += production[k]!;
  const available = produced + discharge;
  let consumed = 0;
  for (let j = 0; j < consumers; j++) consumed += consumption[j]!;
  let used: number;
  if (available >= consumed) {
    for (let j = 0; j < consumers; j++) b.solar[j] = consumption[j]!;
    used = consumed;
  } else if (available === 0) {
    for (let j = 0; j < consumers; j++) b.solar[j] = 0;
    used = 0;
  } else {
    if (!largestRemainder(available, consumption, consumers, consumed, b.solar, b)) return -1;
    used = available;
  }
  // sources: plants, then the battery's discharge
  const sources = plants + 1;
  const toC = b.toConsumers;
  if (used === 0) {
    for (let k = 0; k < sources; k++) toC[k] = 0;
  } else if (used === available) {
    for (let k = 0; k < plants; k++) toC[k] = production[k]!;
    toC[plants] = discharge;
  } else {
    const weights = b.sourceWeights;
    for (let k = 0; k < plants; k++) weights[k] = production[k]!;
    weights[plants] = discharge;
    if (!largestRemainder(used, weights, sources, available, toC, b)) return -1;
  }
  let leftSum = 0;
  for (let k = 0; k < plants; k++) {
    b.left[k] = production[k]! - toC[k]!;
    leftSum += b.left[k]!;
  }
  const fromSolar = charge < leftSum ? charge : leftSum;
  if (fromSolar === 0) {
    for (let k = 0; k < plants; k++) b.toBattery[k] = 0;
  } else if (fromSolar === leftSum) {
    for (let k = 0; k < plants; k++) b.toBattery[k] = b.left[k]!;
  } else if (!largestRemainder(fromSolar, b.left, plants, leftSum, b.toBattery, b)) {
    return -1;
  }
  return fromSolar;
}
