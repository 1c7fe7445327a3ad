/**
 * Item 2a: the simulator's ceiling. A client that only downloads and parses the same
 * pages as a backfill (same streams, start and page sizes), in its own process,
 * right after each backfill of the same size. End-to-end throughput is reported as a
 * fraction of it, run by run (same events, so the fraction is the ratio of times).
 */
import { runChild } from '../lib/child.js';
import type { BenchCase, Measurement } from '../lib/context.js';
import { summarise } from '../lib/stats.js';

interface DownloadResult {
  seconds: number;
  maxRssBytes: number;
  streams: Record<string, { records: number; requests: number }>;
}

export const downloadCeilingCase: BenchCase = {
  name: 'download-ceiling',
  async run(context) {
    const measurements: Measurement[] = [];
    for (const size of context.sizes) {
      const simulator = await context.simulator(size);
      const start = String(Date.parse(`${context.syncStart(size)}T00:00:00Z`) / 1000);
      const rates: number[] = [];
      const fractions: number[] = [];
      const backfills = context.backfills.filter((backfill) => backfill.size === size);
      for (let run = 1; run <= context.runs; run++) {
        const result = await runChild<DownloadResult>('bench/children/download.ts', ['--url', simulator.url, '--email', simulator.email, '--token', simulator.token, '--start', start]);
        rates.push(simulator.ticketEvents / result.seconds);
        const backfill = backfills[run - 1];
        if (backfill) fractions.push(result.seconds / backfill.seconds);
        context.log(`download ceiling ${size.label} run ${run}: ${result.seconds.toFixed(1)} s (${Math.round(simulator.ticketEvents / result.seconds)} ticket events/s)`);
      }
      measurements.push({
        case: 'download-ceiling',
        name: 'ceiling (a): simulator pages downloaded and parsed only',
        size: size.label,
        unit: 'ticket events/s',
        summary: summarise(rates),
        note: 'same streams, start and page sizes as the backfill; nothing stored',
      });
      if (fractions.length > 0) {
        measurements.push({
          case: 'download-ceiling',
          name: 'end-to-end as a fraction of ceiling (a)',
          size: size.label,
          unit: 'fraction',
          summary: summarise(fractions),
          note: 'per run: download time / backfill time',
        });
      }
    }
    return measurements;
  },
};
