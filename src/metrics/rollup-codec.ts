/**
 * Measures as JSON strings: a rollup's payload (every agent's totals over its days), its
 * slices (every agent's per group and brand), and a daily bucket's slices. Strings,
 * because FerretDB converts each nested field of a document on every read, and a few
 * hundred agents' histograms as nested documents read about 25 times slower than the
 * same data as one string (docs/metrics.md#rollups). Pure.
 */
import { z } from 'zod';
import { type AgentTotals, COUNTERS, type MeasureTotals, MINUTE_METRICS, type SliceTotals } from './measure-totals.js';
import type { MinuteHistogram } from './minute-histogram.js';

export type { MeasureTotals } from './measure-totals.js';

const HistogramTuple = z.tuple([z.number(), z.number().int().nonnegative(), z.array(z.number().int().nonnegative()), z.array(z.number().int().positive())]);
const Counters = z.array(z.number().int()).length(COUNTERS.length);
const Histograms = z.array(HistogramTuple).length(MINUTE_METRICS.length);
const Id = z.number().int().nonnegative();
const Payload = z.array(z.tuple([Id, Counters, Histograms]));
const Slices = z.array(z.tuple([Id, Id, Id, Counters, Histograms]));
const Series = z.array(z.tuple([z.iso.date(), Counters, Histograms]));

type Encoded = [number[], [number, number, number[], number[]][]];

function encodeMeasures(totals: MeasureTotals): Encoded {
  return [COUNTERS.map((counter) => totals[counter]), MINUTE_METRICS.map((metric) => histogramTuple(totals[metric]))];
}

function decodeMeasures(counters: readonly number[], histograms: readonly z.infer<typeof HistogramTuple>[]): MeasureTotals {
  const totals = {} as MeasureTotals;
  COUNTERS.forEach((counter, index) => (totals[counter] = counters[index] as number));
  MINUTE_METRICS.forEach((metric, index) => {
    const [sum, count, bins, counts] = histograms[index] as z.infer<typeof HistogramTuple>;
    totals[metric] = { sum, count, bins, counts };
  });
  return totals;
}

/** Every agent's totals, slices left out (they have their own string). */
export function encodeTotals(totals: Iterable<AgentTotals>): string {
  return JSON.stringify([...totals].sort((a, b) => a.agentId - b.agentId).map((agent) => [agent.agentId, ...encodeMeasures(agent)]));
}

/** Throws on a payload that is not one this module wrote (the rollup is then rebuilt). */
export function decodeTotals(payload: string): Map<number, AgentTotals> {
  const totals = new Map<number, AgentTotals>();
  for (const [agentId, counters, histograms] of Payload.parse(JSON.parse(payload))) totals.set(agentId, { agentId, ...decodeMeasures(counters, histograms) });
  return totals;
}

/** Slices of any number of agents, ordered by agent, group and brand. */
export function encodeSlices(slices: Iterable<SliceTotals>): string {
  const rows = [...slices].sort((a, b) => a.agentId - b.agentId || a.groupId - b.groupId || a.brandId - b.brandId);
  return JSON.stringify(rows.map((slice) => [slice.agentId, slice.groupId, slice.brandId, ...encodeMeasures(slice)]));
}

/** Throws on slices this module did not write. */
export function decodeSlices(encoded: string): SliceTotals[] {
  return Slices.parse(JSON.parse(encoded)).map(([agentId, groupId, brandId, counters, histograms]) => ({ agentId, groupId, brandId, ...decodeMeasures(counters, histograms) }));
}

/** One agent's buckets, day by day (a series rollup, docs/metrics.md#daily-series). */
export function encodeSeries(days: Iterable<{ day: string } & MeasureTotals>): string {
  return JSON.stringify([...days].sort((a, b) => a.day.localeCompare(b.day)).map((one) => [one.day, ...encodeMeasures(one)]));
}

/** Throws on a series this module did not write. */
export function decodeSeries(encoded: string): ({ day: string } & MeasureTotals)[] {
  return Series.parse(JSON.parse(encoded)).map(([day, counters, histograms]) => ({ day, ...decodeMeasures(counters, histograms) }));
}

function histogramTuple(histogram: MinuteHistogram): [number, number, number[], number[]] {
  return [histogram.sum, histogram.count, histogram.bins, histogram.counts];
}
