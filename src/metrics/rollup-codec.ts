/**
 * Measures as JSON strings: a rollup's payload (every agent's totals over its days), its
 * slices (every agent's per group and brand), and a daily bucket's slices. Strings,
 * because FerretDB converts each nested field of a document on every read, and a few
 * hundred agents' histograms as nested documents read about 25 times slower than the
 * same data as one string (docs/metrics.md#rollups). Pure.
 */
import { type AgentTotals, COUNTERS, type MeasureTotals, MINUTE_METRICS, type SliceTotals } from './measure-totals.js';
import type { MinuteHistogram } from './minute-histogram.js';

export type { MeasureTotals } from './measure-totals.js';

type HistogramTuple = [number, number, number[], number[]];
type Encoded = [number[], HistogramTuple[]];

/**
 * Payloads are checked by hand, not with zod: a read decodes a few dozen of them, each a
 * few hundred kB, and zod's tuple parse took about 8 times as long as JSON.parse itself
 * (20 ms against 2.6 ms for 200 agents' totals). The checks are the same: shape, lengths,
 * whole non-negative counts and ids; anything else throws and the rollup is rebuilt.
 */
class PayloadError extends Error {}
const fail = (what: string): never => {
  throw new PayloadError(`not a rollup payload: ${what}`);
};
const isWhole = (value: unknown, min: number): value is number => typeof value === 'number' && Number.isInteger(value) && value >= min;

function readId(value: unknown): number {
  return isWhole(value, 0) ? value : fail('an id');
}

function readRows(encoded: string): unknown[] {
  const parsed: unknown = JSON.parse(encoded);
  return Array.isArray(parsed) ? parsed : fail('not a list');
}

function readMeasures(counters: unknown, histograms: unknown): MeasureTotals {
  if (!Array.isArray(counters) || counters.length !== COUNTERS.length) fail('counters');
  if (!Array.isArray(histograms) || histograms.length !== MINUTE_METRICS.length) fail('histograms');
  const totals = {} as MeasureTotals;
  COUNTERS.forEach((counter, index) => {
    const value: unknown = (counters as unknown[])[index];
    totals[counter] = isWhole(value, Number.MIN_SAFE_INTEGER) ? value : fail(counter);
  });
  MINUTE_METRICS.forEach((metric, index) => {
    const tuple: unknown = (histograms as unknown[])[index];
    if (!Array.isArray(tuple) || tuple.length !== 4) fail(metric);
    const [sum, count, bins, counts] = tuple as unknown[];
    if (typeof sum !== 'number' || !isWhole(count, 0) || !Array.isArray(bins) || !Array.isArray(counts) || bins.length !== counts.length) fail(metric);
    for (let i = 0; i < (bins as unknown[]).length; i++) {
      if (!isWhole((bins as unknown[])[i], 0) || !isWhole((counts as unknown[])[i], 1)) fail(metric);
    }
    totals[metric] = { sum: sum as number, count: count as number, bins: bins as number[], counts: counts as number[] };
  });
  return totals;
}

function encodeMeasures(totals: MeasureTotals): Encoded {
  return [COUNTERS.map((counter) => totals[counter]), MINUTE_METRICS.map((metric) => histogramTuple(totals[metric]))];
}

function tupleOf(row: unknown, length: number): unknown[] {
  return Array.isArray(row) && row.length === length ? row : fail('a row');
}

/** Every agent's totals, slices left out (they have their own string). */
export function encodeTotals(totals: Iterable<AgentTotals>): string {
  return JSON.stringify([...totals].sort((a, b) => a.agentId - b.agentId).map((agent) => [agent.agentId, ...encodeMeasures(agent)]));
}

/** Throws on a payload that is not one this module wrote (the rollup is then rebuilt). */
export function decodeTotals(payload: string): Map<number, AgentTotals> {
  const totals = new Map<number, AgentTotals>();
  for (const row of readRows(payload)) {
    const [agentId, counters, histograms] = tupleOf(row, 3);
    const id = readId(agentId);
    const agent = readMeasures(counters, histograms) as AgentTotals;
    agent.agentId = id;
    totals.set(id, agent);
  }
  return totals;
}

/** Slices of any number of agents, ordered by agent, group and brand. */
export function encodeSlices(slices: Iterable<SliceTotals>): string {
  const rows = [...slices].sort((a, b) => a.agentId - b.agentId || a.groupId - b.groupId || a.brandId - b.brandId);
  return JSON.stringify(rows.map((slice) => [slice.agentId, slice.groupId, slice.brandId, ...encodeMeasures(slice)]));
}

/** Throws on slices this module did not write. */
export function decodeSlices(encoded: string): SliceTotals[] {
  return readRows(encoded).map((row) => {
    const [agentId, groupId, brandId, counters, histograms] = tupleOf(row, 5);
    return { agentId: readId(agentId), groupId: readId(groupId), brandId: readId(brandId), ...readMeasures(counters, histograms) };
  });
}

/** One agent's buckets, day by day (a series rollup, docs/metrics.md#daily-series). */
export function encodeSeries(days: Iterable<{ day: string } & MeasureTotals>): string {
  return JSON.stringify([...days].sort((a, b) => a.day.localeCompare(b.day)).map((one) => [one.day, ...encodeMeasures(one)]));
}

/** Throws on a series this module did not write. */
export function decodeSeries(encoded: string): ({ day: string } & MeasureTotals)[] {
  return readRows(encoded).map((row) => {
    const [day, counters, histograms] = tupleOf(row, 3);
    if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day)) fail('a day');
    return { day: day as string, ...readMeasures(counters, histograms) };
  });
}

function histogramTuple(histogram: MinuteHistogram): HistogramTuple {
  return [histogram.sum, histogram.count, histogram.bins, histogram.counts];
}
