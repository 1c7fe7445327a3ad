/**
 * Daily buckets → the `tally metrics --format json` contract of docs/metrics.md#output: sums
 * over a range of days, minute metrics as count, median and p90 from the merged
 * histograms (within HISTOGRAM_MAX_RELATIVE_ERROR of the exact nearest-rank
 * values). Pure: decrypted names and emails are passed in.
 */
import type { StoredDaily } from '../../schemas/records.js';
import {
  addMeasures,
  addSlices,
  type AgentTotals,
  COUNTERS,
  type Counter,
  emptyMeasures,
  type MeasureTotals,
  MINUTE_METRICS,
  type MinuteMetric,
} from './measure-totals.js';
import { histogramQuantile, type MinuteHistogram } from './minute-histogram.js';
import { decodeSlices } from './rollup-codec.js';

export { type AgentTotals, COUNTERS, MINUTE_METRICS } from './measure-totals.js';

export interface MinuteSummary {
  count: number;
  median: number | null;
  p90: number | null;
}

export type AgentMetrics = { agentId: number; name: string; email: string } & Record<Counter, number> & {
    csatScore: number | null;
  } & Record<MinuteMetric, MinuteSummary>;

export interface MetricsReport {
  tenant: string;
  region: string;
  timeZone: string;
  from: string;
  to: string;
  /** Present when the report is filtered (docs/metrics.md#dimensions): the group and brand asked for, with their names. */
  group?: { id: number; name: string };
  brand?: { id: number; name: string };
  agents: AgentMetrics[];
}

/**
 * Adds one day (or a rollup's totals of an agent) into an agent's running totals
 * (memory is per agent, not per day); with `withSlices`, its slices too.
 */
export function addDay(totals: Map<number, AgentTotals>, day: AgentTotals | StoredDaily, withSlices = false): void {
  let agent = totals.get(day.agentId);
  if (!agent) {
    agent = { agentId: day.agentId, ...emptyMeasures(), ...(withSlices ? { slices: new Map() } : {}) };
    totals.set(day.agentId, agent);
  }
  addMeasures(agent, day);
  if (!withSlices || !agent.slices) return;
  if ('tenantId' in day) addSlices(agent.slices, decodeSlices(day.slices));
  else if (day.slices) addSlices(agent.slices, day.slices.values());
}

export function metricsReport(
  header: Omit<MetricsReport, 'agents'>,
  totals: Iterable<AgentTotals>,
  identities: ReadonlyMap<number, { name: string; email: string }>,
): MetricsReport {
  const agents = [...totals]
    .sort((a, b) => a.agentId - b.agentId)
    .map((agent): AgentMetrics => ({ agentId: agent.agentId, ...(identities.get(agent.agentId) ?? { name: '', email: '' }), ...measuresOf(agent) }));
  return { ...header, agents };
}

/** What is reported of a sum of buckets: counters, CSAT score, minute summaries. */
export type Measures = Record<Counter, number> & { csatScore: number | null } & Record<MinuteMetric, MinuteSummary>;

function measuresOf(totals: MeasureTotals): Measures {
  const rated = totals.csatGood + totals.csatBad;
  const summary = {} as Record<MinuteMetric, MinuteSummary>;
  for (const metric of MINUTE_METRICS) summary[metric] = summarise(totals[metric]);
  const counters = {} as Record<Counter, number>;
  for (const counter of COUNTERS) counters[counter] = totals[counter];
  return { ...counters, csatScore: rated === 0 ? null : round(totals.csatGood / rated, 4), ...summary };
}

/** One agent's measures on one local day; a day without a bucket is all zeros (docs/metrics.md#daily-series). */
export type DayMetrics = { day: string } & Measures;

export interface DailySeries {
  tenant: string;
  region: string;
  timeZone: string;
  from: string;
  to: string;
  agent: { agentId: number; name: string; email: string };
  days: DayMetrics[];
}

/** Every day from..to, in order, from the agent's buckets (at most one a day). */
export function dailySeries(header: Omit<DailySeries, 'days'>, buckets: Iterable<{ day: string } & MeasureTotals>): DailySeries {
  const byDay = new Map<string, MeasureTotals>();
  for (const bucket of buckets) byDay.set(bucket.day, bucket);
  const days: DayMetrics[] = [];
  for (let day = header.from; day <= header.to; day = addDays(day, 1)) {
    days.push({ day, ...measuresOf(byDay.get(day) ?? emptyTotals(header.agent.agentId)) });
  }
  return { ...header, days };
}

function emptyTotals(agentId: number): AgentTotals {
  return { agentId, ...emptyMeasures() };
}

/** A calendar day `count` days after (or before, if negative) a YYYY-MM-DD day. */
export function addDays(day: string, count: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + count * 86_400_000).toISOString().slice(0, 10);
}

/** The period of the same length just before from..to (docs/metrics.md#compare). */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const length = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
  return { from: addDays(from, -length), to: addDays(from, -1) };
}

/** Current minus previous: counters and the CSAT score as differences, minute metrics per summary value. */
export type MeasureDeltas = Record<Counter, number> & { csatScore: number | null } & Record<MinuteMetric, { count: number; median: number | null; p90: number | null }>;

export interface AgentComparison {
  agentId: number;
  name: string;
  email: string;
  /** null when the agent has no bucket in that period. */
  current: Measures | null;
  previous: Measures | null;
  delta: MeasureDeltas;
}

export interface MetricsComparison {
  tenant: string;
  region: string;
  timeZone: string;
  from: string;
  to: string;
  group?: { id: number; name: string };
  brand?: { id: number; name: string };
  previous: { from: string; to: string };
  /** Every agent with a bucket in either period, by agentId. */
  agents: AgentComparison[];
}

/**
 * Side by side: an agent missing from one period counts as zeros there, so its counter
 * deltas are the other period's values; a median or score missing on either side has a
 * null delta (a difference with nothing is no number).
 */
export function compareReports(current: MetricsReport, previous: MetricsReport): MetricsComparison {
  const before = new Map(previous.agents.map((agent) => [agent.agentId, agent]));
  const now = new Map(current.agents.map((agent) => [agent.agentId, agent]));
  const ids = [...new Set([...now.keys(), ...before.keys()])].sort((a, b) => a - b);
  const zero = measuresOf(emptyTotals(0));
  const agents = ids.map((agentId): AgentComparison => {
    const a = now.get(agentId);
    const b = before.get(agentId);
    const identity = a ?? b ?? { name: '', email: '' };
    return { agentId, name: identity.name, email: identity.email, current: a ? measuresFrom(a) : null, previous: b ? measuresFrom(b) : null, delta: deltaOf(a ?? zero, b ?? zero) };
  });
  const { tenant, region, timeZone, from, to, group, brand } = current;
  return { tenant, region, timeZone, from, to, ...(group ? { group } : {}), ...(brand ? { brand } : {}), previous: { from: previous.from, to: previous.to }, agents };
}

function measuresFrom(agent: AgentMetrics): Measures {
  const { agentId, name, email, ...measures } = agent;
  void agentId;
  void name;
  void email;
  return measures;
}

function deltaOf(current: Measures, previous: Measures): MeasureDeltas {
  const delta = {} as MeasureDeltas;
  for (const counter of COUNTERS) delta[counter] = current[counter] - previous[counter];
  delta.csatScore = difference(current.csatScore, previous.csatScore, 4);
  for (const metric of MINUTE_METRICS) {
    delta[metric] = {
      count: current[metric].count - previous[metric].count,
      median: difference(current[metric].median, previous[metric].median, 1),
      p90: difference(current[metric].p90, previous[metric].p90, 1),
    };
  }
  return delta;
}

const difference = (a: number | null, b: number | null, digits: number) => (a === null || b === null ? null : round(a - b, digits));

/** The flat columns of a row of measures (CSV): counters, csatScore, then `<metric>.count|median|p90`. */
export const MEASURE_COLUMNS: readonly string[] = [...COUNTERS, 'csatScore', ...MINUTE_METRICS.flatMap((metric) => [`${metric}.count`, `${metric}.median`, `${metric}.p90`])];

/** The cells of MEASURE_COLUMNS, in order; empty cells for measures that are absent. */
export function measureCells(measures: Measures | MeasureDeltas | null): (number | null)[] {
  if (measures === null) return MEASURE_COLUMNS.map(() => null);
  return [
    ...COUNTERS.map((counter) => measures[counter]),
    measures.csatScore,
    ...MINUTE_METRICS.flatMap((metric) => [measures[metric].count, measures[metric].median, measures[metric].p90]),
  ];
}

function summarise(histogram: MinuteHistogram): MinuteSummary {
  const median = histogramQuantile(histogram, 0.5);
  const p90 = histogramQuantile(histogram, 0.9);
  return { count: histogram.count, median: median === null ? null : round(median, 1), p90: p90 === null ? null : round(p90, 1) };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
