/**
 * A rollup's payload: every agent's totals over the rollup's days, as one JSON string.
 * One string field, because FerretDB converts each nested field of a document on every
 * read, and a few hundred agents' histograms as nested documents read about 25 times
 * slower than the same data as one string (docs/metrics.md#rollups). Pure.
 */
import { z } from 'zod';
import { type AgentTotals, COUNTERS, MINUTE_METRICS } from './metrics-report.js';
import type { MinuteHistogram } from './minute-histogram.js';

const HistogramTuple = z.tuple([z.number(), z.number().int().nonnegative(), z.array(z.number().int().nonnegative()), z.array(z.number().int().positive())]);
const Row = z.tuple([z.number().int().positive(), z.array(z.number().int()).length(COUNTERS.length), z.array(HistogramTuple).length(MINUTE_METRICS.length)]);
const Payload = z.array(Row);

export function encodeTotals(totals: Iterable<AgentTotals>): string {
  const rows = [...totals]
    .sort((a, b) => a.agentId - b.agentId)
    .map((agent) => [agent.agentId, COUNTERS.map((counter) => agent[counter]), MINUTE_METRICS.map((metric) => histogramTuple(agent[metric]))]);
  return JSON.stringify(rows);
}

/** Throws on a payload that is not one this module wrote (the rollup is then rebuilt). */
export function decodeTotals(payload: string): Map<number, AgentTotals> {
  const totals = new Map<number, AgentTotals>();
  for (const [agentId, counters, histograms] of Payload.parse(JSON.parse(payload))) {
    const agent = { agentId } as AgentTotals;
    COUNTERS.forEach((counter, index) => (agent[counter] = counters[index] as number));
    MINUTE_METRICS.forEach((metric, index) => {
      const [sum, count, bins, counts] = histograms[index] as z.infer<typeof HistogramTuple>;
      agent[metric] = { sum, count, bins, counts };
    });
    totals.set(agentId, agent);
  }
  return totals;
}

function histogramTuple(histogram: MinuteHistogram): [number, number, number[], number[]] {
  return [histogram.sum, histogram.count, histogram.bins, histogram.counts];
}
