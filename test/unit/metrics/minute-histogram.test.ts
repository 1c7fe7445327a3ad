import { describe, expect, it } from 'vitest';
import {
  HISTOGRAM_BUCKETS,
  HISTOGRAM_GROWTH,
  HISTOGRAM_MAX_RELATIVE_ERROR,
  bucketIndexOf,
  bucketLowerBound,
  emptyHistogram,
  exactQuantile,
  histogramOf,
  histogramQuantile,
  mergeAll,
  mergeHistograms,
  withValue,
} from '../../../src/metrics/minute-histogram.js';
import type { MinuteHistogram } from '../../../src/metrics/minute-histogram.js';

const OVERFLOW = HISTOGRAM_BUCKETS - 1;

// Numerical Recipes LCG: deterministic data without a dependency; the low bits are
// weak, so callers only use it through uniform(), which takes all 32 bits.
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function uniformIntegers(seed: number, n: number, max: number): number[] {
  const next = lcg(seed);
  return Array.from({ length: n }, () => 1 + Math.floor(next() * max));
}

// Pareto with shape 1.1: most values small, a few enormous, like wait times.
function paretoIntegers(seed: number, n: number): number[] {
  const next = lcg(seed);
  return Array.from({ length: n }, () => Math.min(5_000_000, Math.floor(3 / (1 - next()) ** (1 / 1.1))));
}

// Log-normal around ~1 hour, with 30% exact zeros like instant agent replies.
function zeroHeavyLogNormal(seed: number, n: number): number[] {
  const next = lcg(seed);
  return Array.from({ length: n }, () => {
    if (next() < 0.3) return 0;
    const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    return Math.round(Math.exp(4 + 2 * z));
  });
}

function nextDown(x: number): number {
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  bits[0] = (bits[0] as bigint) - 1n;
  return new Float64Array(bits.buffer)[0] as number;
}

function expectWithinBound(values: readonly number[], q: number): void {
  const exact = exactQuantile(values, q) as number;
  const estimate = histogramQuantile(histogramOf(values), q) as number;
  expect(exact).toBeLessThan(bucketLowerBound(OVERFLOW));
  if (exact === 0) expect(estimate).toBe(0);
  else expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(HISTOGRAM_MAX_RELATIVE_ERROR * exact);
}

describe('bucketIndexOf', () => {
  it('puts 0 in bucket 0', () => {
    expect(bucketIndexOf(0)).toBe(0);
  });

  it('puts values below half a minute in bucket 0', () => {
    expect(bucketIndexOf(0.4999)).toBe(0);
  });

  it('puts literal bucket edges in the bucket they open', () => {
    expect([0.5, 0.54, 1, 1.08].map(bucketIndexOf)).toEqual([1, 2, 10, 11]);
  });

  it('puts every table bound in the bucket it opens and the double below it in the previous one', () => {
    for (let i = 1; i < HISTOGRAM_BUCKETS; i++) {
      const lo = bucketLowerBound(i);
      expect(bucketIndexOf(lo)).toBe(i);
      expect(bucketIndexOf(nextDown(lo))).toBe(i - 1);
    }
  });

  it('spaces log buckets by the growth factor', () => {
    expect(bucketLowerBound(2) / bucketLowerBound(1)).toBeCloseTo(HISTOGRAM_GROWTH, 12);
    expect(bucketLowerBound(OVERFLOW) / bucketLowerBound(OVERFLOW - 1)).toBeCloseTo(HISTOGRAM_GROWTH, 12);
  });

  it('keeps ten years of minutes out of the overflow bucket', () => {
    expect(bucketIndexOf(5_256_000)).toBe(OVERFLOW - 1);
  });

  it('puts anything past the last log bucket in the overflow bucket', () => {
    expect(bucketIndexOf(1e12)).toBe(OVERFLOW);
  });

  it('rejects a negative value with a RangeError naming it', () => {
    expect(() => bucketIndexOf(-1)).toThrow(new RangeError('minute value must be a finite number >= 0, got -1'));
  });

  it('rejects non-finite values with a RangeError', () => {
    expect(() => bucketIndexOf(Number.NaN)).toThrow(RangeError);
    expect(() => bucketIndexOf(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('histogram shape', () => {
  it('is empty with no values', () => {
    expect(emptyHistogram()).toEqual({ sum: 0, count: 0, bins: [], counts: [] });
  });

  it('keeps bins ascending and parallel to counts with no zero counts', () => {
    const h = histogramOf([900, 0, 3, 3, 0, 1, 900, 5_000_000, 1e9]);
    expect(h).toEqual({
      sum: 900 + 3 + 3 + 1 + 900 + 5_000_000 + 1e9,
      count: 9,
      bins: [0, 10, 24, bucketIndexOf(900), bucketIndexOf(5_000_000), OVERFLOW],
      counts: [2, 1, 2, 2, 1, 1],
    });
  });

  it('adds a value with withValue without changing the input', () => {
    const before = histogramOf([3, 900]);
    const after = withValue(before, 40);
    expect(before).toEqual(histogramOf([3, 900]));
    expect(after).toEqual(histogramOf([3, 900, 40]));
  });

  it('agrees between withValue chains and histogramOf', () => {
    const values = uniformIntegers(7, 300, 2_000);
    expect(values.reduce(withValue, emptyHistogram())).toEqual(histogramOf(values));
  });
});

describe('merging', () => {
  const xs = uniformIntegers(1, 500, 100_000);
  const ys = paretoIntegers(2, 500);
  const zs = [0, 0, 1, 7, 7, 60, 1440];
  const [a, b, c] = [histogramOf(xs), histogramOf(ys), histogramOf(zs)] as [MinuteHistogram, MinuteHistogram, MinuteHistogram];

  it('is associative', () => {
    expect(mergeHistograms(mergeHistograms(a, b), c)).toEqual(mergeHistograms(a, mergeHistograms(b, c)));
  });

  it('is commutative', () => {
    expect(mergeHistograms(a, b)).toEqual(mergeHistograms(b, a));
  });

  it('equals the histogram of the concatenated values', () => {
    expect(mergeHistograms(mergeHistograms(a, b), c)).toEqual(histogramOf([...xs, ...ys, ...zs]));
  });

  it('agrees between mergeAll and pairwise merges', () => {
    expect(mergeAll([a, b, c])).toEqual(mergeHistograms(mergeHistograms(a, b), c));
  });

  it('treats the empty histogram as identity', () => {
    expect(mergeHistograms(a, emptyHistogram())).toEqual(a);
  });

  it('rejects a malformed stored histogram', () => {
    expect(() => mergeHistograms(a, { sum: 1, count: 1, bins: [3, 2], counts: [1, 1] })).toThrow(RangeError);
  });
});

describe('histogramQuantile', () => {
  it('is null for an empty histogram', () => {
    expect(histogramQuantile(emptyHistogram(), 0.5)).toBeNull();
  });

  it('is exactly 0 when the quantile value is 0', () => {
    expect(histogramQuantile(histogramOf([0, 0, 0, 5, 9]), 0.5)).toBe(0);
  });

  it('uses the nearest rank, ceil(q * count)', () => {
    const h = histogramOf([0, 0, 100, 100]);
    expect([0, 0.5, 0.51, 1].map((q) => histogramQuantile(h, q))).toEqual([
      0,
      0,
      histogramQuantile(histogramOf([100]), 0.5),
      histogramQuantile(histogramOf([100]), 0.5),
    ]);
  });

  it('returns the geometric midpoint of a log bucket', () => {
    expect(histogramQuantile(histogramOf([1]), 0.5)).toBeCloseTo(Math.sqrt(bucketLowerBound(10) * bucketLowerBound(11)), 12);
  });

  it('returns the overflow bound for values in the overflow bucket', () => {
    expect(histogramQuantile(histogramOf([1e12]), 0.5)).toBe(bucketLowerBound(OVERFLOW));
  });

  it('rejects q outside [0, 1] with a RangeError', () => {
    const h = histogramOf([1, 2, 3]);
    expect(() => histogramQuantile(h, -0.1)).toThrow(RangeError);
    expect(() => histogramQuantile(h, 1.1)).toThrow(RangeError);
    expect(() => histogramQuantile(h, Number.NaN)).toThrow(RangeError);
  });

  it('keeps every log bucket within the stated relative error at both of its ends', () => {
    for (let i = 1; i < OVERFLOW; i++) {
      const estimate = histogramQuantile(histogramOf([bucketLowerBound(i)]), 0.5) as number;
      for (const v of [bucketLowerBound(i), nextDown(bucketLowerBound(i + 1))]) {
        expect(Math.abs(estimate - v)).toBeLessThanOrEqual(HISTOGRAM_MAX_RELATIVE_ERROR * v);
      }
    }
  });

  it('states an error bound of about sqrt(growth) - 1', () => {
    expect(HISTOGRAM_MAX_RELATIVE_ERROR).toBeGreaterThanOrEqual(Math.sqrt(HISTOGRAM_GROWTH) - 1);
    expect(HISTOGRAM_MAX_RELATIVE_ERROR).toBeLessThan(Math.sqrt(HISTOGRAM_GROWTH) - 1 + 1e-4);
  });

  it('is within the bound for every integer from 1 to 100000', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => i + 1);
    for (const q of [0, 0.5, 0.9, 0.99, 1]) expectWithinBound(values, q);
  });

  it('is within the bound for uniform integers up to 100000', () => {
    for (const seed of [11, 12, 13]) {
      const values = uniformIntegers(seed, 2_001, 100_000);
      for (const q of [0.5, 0.9]) expectWithinBound(values, q);
    }
  });

  it('is within the bound for heavy-tailed Pareto integers', () => {
    for (const seed of [21, 22, 23]) {
      const values = paretoIntegers(seed, 5_000);
      for (const q of [0.5, 0.9, 0.99]) expectWithinBound(values, q);
    }
  });

  it('is within the bound for log-normal integers with many zeros', () => {
    for (const seed of [31, 32, 33]) {
      const values = zeroHeavyLogNormal(seed, 3_000);
      for (const q of [0.1, 0.5, 0.9]) expectWithinBound(values, q);
    }
  });

  it('is within the bound for a small sample', () => {
    for (const q of [0.5, 0.9]) expectWithinBound([0, 2, 2, 17, 45, 45, 46, 300, 2_880, 10_080], q);
  });
});

describe('exactQuantile', () => {
  it('is null for no values', () => {
    expect(exactQuantile([], 0.5)).toBeNull();
  });

  it('takes the nearest rank in a sorted copy without reordering its input', () => {
    const values = [40, 10, 30, 20];
    expect([0, 0.25, 0.26, 0.5, 0.9, 1].map((q) => exactQuantile(values, q))).toEqual([10, 10, 20, 20, 40, 40]);
    expect(values).toEqual([40, 10, 30, 20]);
  });
});
