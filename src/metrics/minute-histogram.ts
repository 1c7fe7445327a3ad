/**
 * A mergeable, fixed-bucket histogram of durations in minutes, so per-day rows can
 * keep a small summary instead of every sample and still answer medians and p90s
 * over any range of days by merging.
 *
 * Buckets (fixed forever: stored histograms from different days and releases are
 * merged bucket by bucket, so changing any bound would corrupt every stored row):
 *
 * - bucket 0 holds [0, 0.5). Zendesk metric minutes are integers, so in practice it
 *   holds exactly 0; fractional inputs below half a minute are counted as 0 too.
 * - bucket i, for 1 <= i <= 211, holds [0.5 * 1.08^(i-1), 0.5 * 1.08^i). The grid is
 *   anchored at half a minute rather than at 1 so that [0.5, 1) has a bucket with the
 *   same relative precision as every other bucket.
 * - bucket 212 (the last) is the overflow bucket, [0.5 * 1.08^211, ∞) with
 *   0.5 * 1.08^211 ≈ 5,641,342 minutes (≈ 10.7 years), so anything up to ten years of
 *   minutes (5,256,000) is in a log bucket.
 *
 * Pure: no I/O, no clock, no environment.
 */

/** Ratio between the upper and lower bound of every log bucket. */
export const HISTOGRAM_GROWTH = 1.08;

/** Number of buckets, counting bucket 0 and the overflow bucket. */
export const HISTOGRAM_BUCKETS = 213;

/**
 * Worst-case relative error of {@link histogramQuantile} for values in a log bucket.
 * The estimate is the bucket's geometric midpoint sqrt(lo * hi); the farthest a value
 * in [lo, hi) can be from it, relative to the value, is at v = lo, where it is
 * sqrt(1.08) - 1 ≈ 0.0392305. Rounded up to 0.0393 so that floating-point rounding in
 * the bound table cannot push any bucket past the stated figure.
 */
export const HISTOGRAM_MAX_RELATIVE_ERROR = 0.0393;

/**
 * Stored as-is in MongoDB/FerretDB v1, hence flat parallel arrays (no nested arrays,
 * no data-derived keys). `bins` are the ascending indexes of the non-empty buckets and
 * `counts[k]` is the number of values in bucket `bins[k]`; no count is 0.
 * `sum` is the plain sum of the values, exact while it stays an integer below 2^53
 * (always, for integer minutes), so merging is then exactly associative.
 */
export interface MinuteHistogram {
  sum: number;
  count: number;
  bins: number[];
  counts: number[];
}

const ZERO_BELOW = 0.5;
const OVERFLOW = HISTOGRAM_BUCKETS - 1;

// LOWER[i] is the inclusive lower bound of bucket i; every bucket decision compares
// against this one table so that a value equal to a printed bound lands above it.
const LOWER: readonly number[] = Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) =>
  i === 0 ? 0 : ZERO_BELOW * HISTOGRAM_GROWTH ** (i - 1),
);

const REPRESENTATIVE: readonly number[] = LOWER.map((lo, i) => {
  if (i === 0 || i === OVERFLOW) return lo;
  return Math.sqrt(lo * at(LOWER, i + 1));
});

const LOG_GROWTH = Math.log(HISTOGRAM_GROWTH);

function at(table: readonly number[], index: number): number {
  const found = table[index];
  if (found === undefined) throw new RangeError(`bucket index ${index} is outside 0..${HISTOGRAM_BUCKETS - 1}`);
  return found;
}

function checkValue(value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`minute value must be a finite number >= 0, got ${String(value)}`);
  }
}

function checkQuantile(q: number): void {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${String(q)}`);
}

// Stored histograms come back from the database, so a malformed one must fail loudly
// rather than yield a plausible-looking wrong quantile.
function checkHistogram(h: MinuteHistogram): void {
  const { bins, counts } = h;
  if (bins.length !== counts.length) {
    throw new RangeError(`histogram has ${bins.length} bins but ${counts.length} counts`);
  }
  let total = 0;
  let previous = -1;
  for (let k = 0; k < bins.length; k++) {
    const bin = bins[k] as number;
    const n = counts[k] as number;
    if (!Number.isInteger(bin) || bin <= previous || bin > OVERFLOW) {
      throw new RangeError(`histogram bins must be ascending integers in 0..${OVERFLOW}, got ${String(bin)} at ${k}`);
    }
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new RangeError(`histogram counts must be positive integers, got ${String(n)} at ${k}`);
    }
    previous = bin;
    total += n;
  }
  if (total !== h.count) throw new RangeError(`histogram count ${h.count} differs from its bucket total ${total}`);
  if (!Number.isFinite(h.sum) || h.sum < 0) throw new RangeError(`histogram sum must be finite and >= 0, got ${h.sum}`);
}

/** Nearest-rank: the 1-based rank of the q-quantile among `count` sorted values. */
function nearestRank(count: number, q: number): number {
  return Math.min(count, Math.max(1, Math.ceil(q * count)));
}

function fromDense(dense: readonly number[], sum: number): MinuteHistogram {
  const h = emptyHistogram();
  h.sum = sum;
  dense.forEach((n, bin) => {
    if (n > 0) {
      h.bins.push(bin);
      h.counts.push(n);
      h.count += n;
    }
  });
  return h;
}

function addInto(dense: number[], h: MinuteHistogram): void {
  h.bins.forEach((bin, k) => {
    dense[bin] = (dense[bin] as number) + (h.counts[k] as number);
  });
}

/** The index of the bucket holding `value`; throws RangeError for negative or non-finite values. */
export function bucketIndexOf(value: number): number {
  checkValue(value);
  if (value < ZERO_BELOW) return 0;
  if (value >= at(LOWER, OVERFLOW)) return OVERFLOW;
  // The logarithm only gives a guess: near a bound it can be off by one either way,
  // so the table decides.
  let i = Math.min(OVERFLOW - 1, Math.max(1, Math.floor(Math.log(value / ZERO_BELOW) / LOG_GROWTH) + 1));
  while (value < at(LOWER, i)) i--;
  while (value >= at(LOWER, i + 1)) i++;
  return i;
}

/** The inclusive lower bound of bucket `index` (0 for bucket 0). */
export function bucketLowerBound(index: number): number {
  return at(LOWER, index);
}

export function emptyHistogram(): MinuteHistogram {
  return { sum: 0, count: 0, bins: [], counts: [] };
}

export function histogramOf(values: Iterable<number>): MinuteHistogram {
  const dense = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  let sum = 0;
  for (const value of values) {
    const bin = bucketIndexOf(value);
    dense[bin] = (dense[bin] as number) + 1;
    sum += value;
  }
  return fromDense(dense, sum);
}

/** `h` with one more value; `h` itself is left unchanged. */
export function withValue(h: MinuteHistogram, value: number): MinuteHistogram {
  checkHistogram(h);
  const bin = bucketIndexOf(value);
  const bins = [...h.bins];
  const counts = [...h.counts];
  const k = bins.findIndex((b) => b >= bin);
  if (k === -1) {
    bins.push(bin);
    counts.push(1);
  } else if (bins[k] === bin) {
    counts[k] = (counts[k] as number) + 1;
  } else {
    bins.splice(k, 0, bin);
    counts.splice(k, 0, 1);
  }
  return { sum: h.sum + value, count: h.count + 1, bins, counts };
}

/**
 * The merge of two histograms in one pass over their sparse bins (a merge join), checking
 * both as mergeAll does: a range read merges a few thousand pairs, and a dense pass per
 * pair cost more than everything else of the read.
 */
export function mergeHistograms(a: MinuteHistogram, b: MinuteHistogram): MinuteHistogram {
  if (a.bins.length !== a.counts.length || b.bins.length !== b.counts.length) return mergeAll([a, b]);
  const bins: number[] = [];
  const counts: number[] = [];
  let count = 0;
  let i = 0;
  let j = 0;
  let lastA = -1;
  let lastB = -1;
  const take = (bin: number, n: number) => {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`histogram counts must be positive integers, got ${String(n)}`);
    if (bins.length > 0 && bins[bins.length - 1] === bin) counts[counts.length - 1] = (counts[counts.length - 1] as number) + n;
    else {
      bins.push(bin);
      counts.push(n);
    }
    count += n;
  };
  while (i < a.bins.length || j < b.bins.length) {
    const binA = i < a.bins.length ? (a.bins[i] as number) : Number.POSITIVE_INFINITY;
    const binB = j < b.bins.length ? (b.bins[j] as number) : Number.POSITIVE_INFINITY;
    if (binA <= binB) {
      if (!Number.isInteger(binA) || binA <= lastA || binA > OVERFLOW) return mergeAll([a, b]);
      lastA = binA;
      take(binA, a.counts[i] as number);
      i++;
    } else {
      if (!Number.isInteger(binB) || binB <= lastB || binB > OVERFLOW) return mergeAll([a, b]);
      lastB = binB;
      take(binB, b.counts[j] as number);
      j++;
    }
  }
  return { sum: a.sum + b.sum, count, bins, counts };
}

export function mergeAll(hs: Iterable<MinuteHistogram>): MinuteHistogram {
  const dense = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  let sum = 0;
  for (const h of hs) {
    checkHistogram(h);
    addInto(dense, h);
    sum += h.sum;
  }
  return fromDense(dense, sum);
}

/**
 * Estimated nearest-rank q-quantile, or null for an empty histogram.
 *
 * Guarantee: let v be the exact nearest-rank q-quantile of the values that were added
 * (what {@link exactQuantile} returns for them; rank ceil(q * count) clamped to
 * [1, count]). Because buckets are ordered, v lies in the bucket this function picks,
 * and the result is
 * - 0 when v < 0.5, hence exactly v when v = 0 (the only such integer);
 * - within {@link HISTOGRAM_MAX_RELATIVE_ERROR} of v, i.e. |result - v| <= 0.0393 * v,
 *   when 0.5 <= v < bucketLowerBound(HISTOGRAM_BUCKETS - 1);
 * - that overflow bound, which is <= v, otherwise (no relative bound there).
 *
 * Not rounded: the caller decides the precision it reports.
 */
export function histogramQuantile(h: MinuteHistogram, q: number): number | null {
  checkQuantile(q);
  checkHistogram(h);
  if (h.count === 0) return null;
  const rank = nearestRank(h.count, q);
  let seen = 0;
  for (let k = 0; k < h.bins.length; k++) {
    seen += h.counts[k] as number;
    if (seen >= rank) return at(REPRESENTATIVE, h.bins[k] as number);
  }
  // checkHistogram proved the counts add up to h.count >= rank.
  throw new Error('unreachable: histogram counts do not reach the requested rank');
}

/**
 * Exact nearest-rank q-quantile of `values` (rank ceil(q * n) clamped to [1, n] in a
 * sorted copy), or null when there are none: the ground truth histogramQuantile
 * approximates, shared so tests and comparisons use one definition.
 */
export function exactQuantile(values: readonly number[], q: number): number | null {
  checkQuantile(q);
  values.forEach(checkValue);
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[nearestRank(sorted.length, q) - 1] as number;
}
