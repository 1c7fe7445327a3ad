/**
 * Sums of daily buckets: counters and merged minute histograms, for an agent overall
 * and per (group, brand) slice (docs/metrics.md#dimensions). Pure.
 */
import { DAILY_COUNTERS, DAILY_MINUTES, type DailyCounter, type DailyMinuteField } from './daily-rows.js';
import { emptyHistogram, mergeAll, mergeHistograms, type MinuteHistogram } from './minute-histogram.js';

export const COUNTERS = DAILY_COUNTERS;
export const MINUTE_METRICS = DAILY_MINUTES;
export type Counter = DailyCounter;
export type MinuteMetric = DailyMinuteField;

export type MeasureTotals = Record<Counter, number> & Record<MinuteMetric, MinuteHistogram>;

/** One slice of an agent's totals: the facts that fell in one group and brand (0: none). */
export type SliceTotals = { agentId: number; groupId: number; brandId: number } & MeasureTotals;

/**
 * An agent's totals; `slices` (keyed `${groupId}|${brandId}`) only when the read asked
 * for them: a filtered report sums the slices it selects.
 */
export type AgentTotals = { agentId: number } & MeasureTotals & { slices?: Map<string, SliceTotals> };

export function emptyMeasures(): MeasureTotals {
  const totals = {} as MeasureTotals;
  for (const counter of COUNTERS) totals[counter] = 0;
  for (const metric of MINUTE_METRICS) totals[metric] = emptyHistogram();
  return totals;
}

/** Adds `from` into `into` (counters summed, histograms merged). */
export function addMeasures(into: MeasureTotals, from: MeasureTotals): void {
  for (const counter of COUNTERS) into[counter] += from[counter];
  for (const metric of MINUTE_METRICS) into[metric] = mergeHistograms(into[metric], from[metric]);
}

/** The sum of many totals of one agent at once: each histogram merged in one dense pass (a range read's last step). */
export function sumTotals(agentId: number, parts: readonly AgentTotals[], withSlices: boolean): AgentTotals {
  const totals = { agentId } as AgentTotals;
  for (const counter of COUNTERS) {
    let sum = 0;
    for (const part of parts) sum += part[counter];
    totals[counter] = sum;
  }
  for (const metric of MINUTE_METRICS) totals[metric] = parts.length === 1 ? (parts[0] as AgentTotals)[metric] : mergeAll(parts.map((part) => part[metric]));
  if (withSlices) {
    totals.slices = new Map();
    for (const part of parts) if (part.slices) addSlices(totals.slices, part.slices.values());
  }
  return totals;
}

export const sliceKey = (groupId: number, brandId: number) => `${groupId}|${brandId}`;

/** Adds slices into an agent's slice map. */
export function addSlices(into: Map<string, SliceTotals>, slices: Iterable<SliceTotals>): void {
  for (const slice of slices) {
    const key = sliceKey(slice.groupId, slice.brandId);
    let found = into.get(key);
    if (!found) into.set(key, (found = { agentId: slice.agentId, groupId: slice.groupId, brandId: slice.brandId, ...emptyMeasures() }));
    addMeasures(found, slice);
  }
}

/** Which slices a filtered report counts: a group, a brand, or both (docs/metrics.md#dimensions). */
export interface DimensionFilter {
  readonly groupId?: number | undefined;
  readonly brandId?: number | undefined;
}

/**
 * The agent's totals over the slices the filter selects, or null when none has any:
 * distinct-ticket counters are summed over slices, so a ticket that changed brand
 * within a group on one day counts once per brand in a group-only filter.
 */
export function filteredTotals(agent: AgentTotals, filter: DimensionFilter): AgentTotals | null {
  let totals: AgentTotals | null = null;
  for (const slice of agent.slices?.values() ?? []) {
    if (filter.groupId !== undefined && slice.groupId !== filter.groupId) continue;
    if (filter.brandId !== undefined && slice.brandId !== filter.brandId) continue;
    totals ??= { agentId: agent.agentId, ...emptyMeasures() };
    addMeasures(totals, slice);
  }
  return totals;
}
