/**
 * Daily buckets → the `tally metrics --format json` contract of docs/metrics.md#output: sums
 * over a range of days, minute metrics as count, median and p90 from the merged
 * histograms (within HISTOGRAM_MAX_RELATIVE_ERROR of the exact nearest-rank
 * values). Pure: decrypted names and emails are passed in.
 */
import type { StoredDaily } from '../../schemas/records.js';
import { emptyHistogram, histogramQuantile, mergeHistograms, type MinuteHistogram } from './minute-histogram.js';

export const MINUTE_METRICS = ['firstReplyMinutes', 'fullResolutionMinutes', 'requesterWaitMinutes', 'agentWorkMinutes'] as const;
type MinuteMetric = (typeof MINUTE_METRICS)[number];

const COUNTERS = [
  'solves',
  'reopens',
  'publicReplies',
  'ticketsTouched',
  'handleTimeSeconds',
  'ticketsWithHandleTime',
  'csatGood',
  'csatBad',
] as const;
type Counter = (typeof COUNTERS)[number];

export type AgentTotals = { agentId: number } & Record<Counter, number> & Record<MinuteMetric, MinuteHistogram>;

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
  agents: AgentMetrics[];
}

/** Adds one day into an agent's running totals (memory is per agent, not per day). */
export function addDay(totals: Map<number, AgentTotals>, day: StoredDaily): void {
  let agent = totals.get(day.agentId);
  if (!agent) {
    agent = { agentId: day.agentId } as AgentTotals;
    for (const counter of COUNTERS) agent[counter] = 0;
    for (const metric of MINUTE_METRICS) agent[metric] = emptyHistogram();
    totals.set(day.agentId, agent);
  }
  for (const counter of COUNTERS) agent[counter] += day[counter];
  for (const metric of MINUTE_METRICS) agent[metric] = mergeHistograms(agent[metric], day[metric]);
}

export function metricsReport(
  header: Omit<MetricsReport, 'agents'>,
  totals: Iterable<AgentTotals>,
  identities: ReadonlyMap<number, { name: string; email: string }>,
): MetricsReport {
  const agents = [...totals]
    .sort((a, b) => a.agentId - b.agentId)
    .map((agent): AgentMetrics => {
      const identity = identities.get(agent.agentId) ?? { name: '', email: '' };
      const rated = agent.csatGood + agent.csatBad;
      const summary = {} as Record<MinuteMetric, MinuteSummary>;
      for (const metric of MINUTE_METRICS) summary[metric] = summarise(agent[metric]);
      const counters = {} as Record<Counter, number>;
      for (const counter of COUNTERS) counters[counter] = agent[counter];
      return {
        agentId: agent.agentId,
        name: identity.name,
        email: identity.email,
        ...counters,
        csatScore: rated === 0 ? null : round(agent.csatGood / rated, 4),
        ...summary,
      };
    });
  return { ...header, agents };
}

function summarise(histogram: MinuteHistogram): MinuteSummary {
  const median = histogramQuantile(histogram, 0.5);
  const p90 = histogramQuantile(histogram, 0.9);
  return { count: histogram.count, median: median === null ? null : round(median, 1), p90: p90 === null ? null : round(p90, 1) };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
