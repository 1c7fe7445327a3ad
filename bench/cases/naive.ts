/**
 * Item 7: the naive alternative, side by side. The same account read with
 * node-zendesk's own helpers (children/naive.ts), in its own process: records
 * obtained against records available (counted by a plain client that follows every
 * page to the end), time and peak memory.
 */
import { runChild } from '../lib/child.js';
import type { BenchCase, Measurement } from '../lib/context.js';
import { summarise } from '../lib/stats.js';

interface NaiveResult {
  seconds: number;
  maxRssBytes: number;
  streams: Record<string, { helper: string; records: number; error?: string }>;
}

interface DownloadResult {
  streams: Record<string, { records: number }>;
}

const MB = 1024 * 1024;

export const naiveCase: BenchCase = {
  name: 'naive',
  async run(context) {
    const measurements: Measurement[] = [];
    for (const size of context.sizes) {
      const simulator = await context.simulator(size);
      const args = ['--url', simulator.url, '--email', simulator.email, '--token', simulator.token, '--start', String(Date.parse(`${context.syncStart(size)}T00:00:00Z`) / 1000)];
      const available = await runChild<DownloadResult>('bench/children/download.ts', args);
      const results: NaiveResult[] = [];
      for (let run = 1; run <= context.runs; run++) results.push(await runChild<NaiveResult>('bench/children/naive.ts', args));
      const first = results[0] as NaiveResult;
      const total = (streams: Record<string, { records: number }>) => Object.values(streams).reduce((sum, stream) => sum + stream.records, 0);
      const perStream = Object.entries(first.streams).map(([stream, outcome]) => {
        const of = available.streams[stream]?.records ?? 0;
        return `${stream} ${outcome.records}/${of} via ${outcome.helper}${outcome.error ? ` (error: ${outcome.error})` : ''}`;
      });
      context.log(`naive ${size.label}: ${perStream.join('; ')}`);
      measurements.push(
        {
          case: 'naive',
          name: 'node-zendesk helpers: records obtained / available',
          size: size.label,
          unit: 'fraction',
          summary: summarise(results.map((result) => total(result.streams) / total(available.streams))),
          note: `${total(first.streams)} of ${total(available.streams)} records: ${perStream.join('; ')}`,
        },
        { case: 'naive', name: 'node-zendesk helpers: time (download only, nothing stored)', size: size.label, unit: 's', summary: summarise(results.map((result) => result.seconds)) },
        { case: 'naive', name: 'node-zendesk helpers: peak RSS', size: size.label, unit: 'MB', summary: summarise(results.map((result) => result.maxRssBytes / MB)) },
      );
    }
    return measurements;
  },
};
