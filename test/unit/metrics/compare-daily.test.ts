/** --compare previous and --daily, pure parts (src/metrics/metrics-report.ts) with numbers worked out by hand. */
import { describe, expect, it } from 'vitest';
import { addDays, compareReports, dailySeries, MEASURE_COLUMNS, measureCells, type MetricsReport, metricsReport, previousPeriod } from '../../../src/metrics/metrics-report.js';
import { addDay, type AgentTotals } from '../../../src/metrics/metrics-report.js';
import { histogramOf } from '../../../src/metrics/minute-histogram.js';
import { bucket } from '../../contract/fixtures.js';

const header = { tenant: 'acme', region: 'eu', timeZone: 'Europe/Berlin' };
const names = new Map([
  [7, { name: 'Ada', email: 'ada@example.test' }],
  [8, { name: 'Bo', email: 'bo@example.test' }],
  [9, { name: 'Cy', email: 'cy@example.test' }],
]);

function report(from: string, to: string, buckets: ReturnType<typeof bucket>[]): MetricsReport {
  const totals = new Map<number, AgentTotals>();
  for (const one of buckets) addDay(totals, one);
  return metricsReport({ ...header, from, to }, totals.values(), names);
}

describe('previousPeriod', () => {
  it('is the same number of days just before', () => {
    expect(previousPeriod('2026-03-01', '2026-03-31')).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    expect(previousPeriod('2026-03-10', '2026-03-10')).toEqual({ from: '2026-03-09', to: '2026-03-09' });
    // Across the DST change in Europe: days, not hours.
    expect(previousPeriod('2026-03-29', '2026-04-04')).toEqual({ from: '2026-03-22', to: '2026-03-28' });
    expect(previousPeriod('2028-03-01', '2028-03-07')).toEqual({ from: '2028-02-23', to: '2028-02-29' });
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('compareReports', () => {
  const current = report('2026-03-08', '2026-03-14', [
    bucket('acme', 7, '2026-03-09', { solves: 5, csatGood: 3, csatBad: 1, firstReplyMinutes: histogramOf([10, 20, 30]) }),
    bucket('acme', 8, '2026-03-10', { solves: 2 }),
  ]);
  const previous = report('2026-03-01', '2026-03-07', [
    bucket('acme', 7, '2026-03-02', { solves: 2, csatGood: 1, csatBad: 1, firstReplyMinutes: histogramOf([40]) }),
    bucket('acme', 9, '2026-03-03', { solves: 4, handleTimeSeconds: -60 }),
  ]);
  const comparison = compareReports(current, previous);
  const byAgent = new Map(comparison.agents.map((agent) => [agent.agentId, agent]));

  it('lists every agent of either period, with both ranges named', () => {
    expect(comparison).toMatchObject({ ...header, from: '2026-03-08', to: '2026-03-14', previous: { from: '2026-03-01', to: '2026-03-07' } });
    expect(comparison.agents.map((agent) => [agent.agentId, agent.name])).toEqual([
      [7, 'Ada'],
      [8, 'Bo'],
      [9, 'Cy'],
    ]);
  });

  it('takes differences: counters, the CSAT score, and minute summaries', () => {
    const ada = byAgent.get(7);
    // Solves 5 − 2; CSAT 3/4 − 1/2 = 0.25; first reply median 20 − 40.
    expect(ada?.delta.solves).toBe(3);
    expect(ada?.delta.csatScore).toBe(0.25);
    expect(ada?.delta.firstReplyMinutes.count).toBe(2);
    // Medians are histogram estimates (docs/metrics.md#histograms): the delta is theirs, near 20 − 40.
    const medians = [ada?.current?.firstReplyMinutes.median ?? NaN, ada?.previous?.firstReplyMinutes.median ?? NaN];
    expect(ada?.delta.firstReplyMinutes.median).toBe(Math.round((medians[0]! - medians[1]!) * 10) / 10);
    expect(Math.abs((ada?.delta.firstReplyMinutes.median ?? NaN) + 20)).toBeLessThan(2);
    expect(ada?.current?.solves).toBe(5);
    expect(ada?.previous?.solves).toBe(2);
  });

  it('counts a period without the agent as zeros, and a median or score missing on a side as no delta', () => {
    const bo = byAgent.get(8);
    expect(bo?.previous).toBeNull();
    expect(bo?.delta.solves).toBe(2);
    expect(bo?.delta.csatScore).toBeNull();
    expect(bo?.delta.firstReplyMinutes).toEqual({ count: 0, median: null, p90: null });
    const cy = byAgent.get(9);
    expect(cy?.current).toBeNull();
    expect(cy?.delta.solves).toBe(-4);
    expect(cy?.delta.handleTimeSeconds).toBe(60);
  });

  it('gives one cell per measure column', () => {
    expect(measureCells(byAgent.get(7)?.delta ?? null)).toHaveLength(MEASURE_COLUMNS.length);
    expect(measureCells(null)).toEqual(MEASURE_COLUMNS.map(() => null));
  });
});

describe('dailySeries', () => {
  it('has every day of the range in order, zeros where there is no bucket', () => {
    const series = dailySeries(
      { ...header, from: '2026-03-28', to: '2026-03-31', agent: { agentId: 7, name: 'Ada', email: 'ada@example.test' } },
      [bucket('acme', 7, '2026-03-31', { solves: 1 }), bucket('acme', 7, '2026-03-29', { solves: 4, csatGood: 1 })],
    );
    expect(series.days.map((day) => [day.day, day.solves, day.csatScore])).toEqual([
      ['2026-03-28', 0, null],
      ['2026-03-29', 4, 1],
      ['2026-03-30', 0, null],
      ['2026-03-31', 1, null],
    ]);
    expect(series.days[0]?.firstReplyMinutes).toEqual({ count: 0, median: null, p90: null });
  });
});
