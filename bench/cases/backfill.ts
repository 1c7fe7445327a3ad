/**
 * Items 1, 3 and 5: end-to-end backfill throughput, the sync process's peak RSS, and
 * requests per 1,000 records per stream, each backfill in its own process against
 * the size's simulator (rate limits out of reach, so tally's own cost shows) into a
 * fresh database. The databases are kept for the ceiling and metrics cases.
 */
import { regionEnv, runChild } from '../lib/child.js';
import type { BenchCase, Measurement } from '../lib/context.js';
import { summarise } from '../lib/stats.js';

export interface BackfillResult {
  seconds: number;
  rssBeforeSyncBytes: number;
  maxRssBytes: number;
  /** Peak heap in use plus external memory, sampled every 100 ms. */
  maxHeapBytes: number;
  cpuSeconds: number;
  documents: Record<string, number>;
  streams: { stream: string; seconds: number; status: string; pages: number; read: number; stored: number; requests: number; rateLimited: number }[];
}

/** Rate limits in tally's budget out of reach too (the schema's maximum). */
export const LIMITS_OFF = { TALLY_ZENDESK_RATE_LIMIT: '100000', TALLY_ZENDESK_EXPORT_RATE_LIMIT: '100000', TALLY_ZENDESK_USERS_EXPORT_RATE_LIMIT: '100000' };

const MB = 1024 * 1024;

export const backfillCase: BenchCase = {
  name: 'backfill',
  async run(context) {
    const measurements: Measurement[] = [];
    for (const size of context.sizes) {
      const simulator = await context.simulator(size);
      const results: BackfillResult[] = [];
      for (let run = 1; run <= context.runs; run++) {
        const databaseUri = context.freshDatabase(`backfill_${size.label}_${run}`);
        const result = await runChild<BackfillResult>(
          'bench/children/backfill.ts',
          ['--url', simulator.url, '--email', simulator.email, '--token', simulator.token, '--sync-start', context.syncStart(size)],
          { ...LIMITS_OFF, ...regionEnv(databaseUri) },
        );
        const failed = result.streams.filter((stream) => stream.status !== 'done');
        if (failed.length > 0) throw new Error(`backfill ${size.label} run ${run}: streams not done: ${JSON.stringify(failed)}`);
        results.push(result);
        context.backfills.push({ size, run, databaseUri, seconds: result.seconds, ticketEvents: simulator.ticketEvents });
        context.log(
          `backfill ${size.label} run ${run}: ${simulator.ticketEvents} ticket events in ${result.seconds.toFixed(1)} s ` +
            `(${Math.round(simulator.ticketEvents / result.seconds)}/s), peak RSS ${Math.round(result.maxRssBytes / MB)} MB, peak heap ${Math.round(result.maxHeapBytes / MB)} MB, CPU ${result.cpuSeconds.toFixed(1)} s; ` +
            result.streams.map((stream) => `${stream.stream} ${stream.seconds.toFixed(1)} s`).join(', '),
        );
      }
      const records = (result: BackfillResult) => result.streams.reduce((sum, stream) => sum + stream.read, 0);
      measurements.push(
        {
          case: 'backfill',
          name: 'end-to-end backfill throughput',
          size: size.label,
          unit: 'ticket events/s',
          summary: summarise(results.map((result) => simulator.ticketEvents / result.seconds)),
          note: `${simulator.ticketEvents} ticket events; all streams, wall time of the whole sync`,
        },
        {
          case: 'backfill',
          name: 'end-to-end backfill, records of all streams',
          size: size.label,
          unit: 'records/s',
          summary: summarise(results.map((result) => records(result) / result.seconds)),
          note: `${records(results[0] as BackfillResult)} records read`,
        },
        { case: 'backfill', name: 'backfill wall time', size: size.label, unit: 's', summary: summarise(results.map((result) => result.seconds)) },
        {
          case: 'backfill',
          name: 'sync process peak RSS',
          size: size.label,
          unit: 'MB',
          summary: summarise(results.map((result) => result.maxRssBytes / MB)),
          note: `RSS before the sync started: ${Math.round((results[0] as BackfillResult).rssBeforeSyncBytes / MB)} MB`,
        },
        {
          case: 'backfill',
          name: 'sync process peak heap in use',
          size: size.label,
          unit: 'MB',
          summary: summarise(results.map((result) => result.maxHeapBytes / MB)),
          note: 'V8 heap used plus external buffers, sampled every 100 ms: the live set, without garbage not yet collected',
        },
      );
      const first = results[0] as BackfillResult;
      for (const stream of first.streams) {
        measurements.push({
          case: 'backfill',
          name: `backfill time: ${stream.stream}`,
          size: size.label,
          unit: 's',
          summary: summarise(results.map((result) => result.streams.find((other) => other.stream === stream.stream)?.seconds ?? 0)),
          note: `${stream.read} records, ${stream.pages} pages`,
        });
      }
      for (const stream of first.streams) {
        measurements.push({
          case: 'backfill',
          name: `requests per 1,000 records: ${stream.stream}`,
          size: size.label,
          unit: 'requests',
          summary: summarise(results.map((result) => {
            const found = result.streams.find((other) => other.stream === stream.stream);
            return found && found.read > 0 ? (found.requests / found.read) * 1000 : 0;
          })),
          note: `${stream.requests} requests for ${stream.read} records`,
        });
      }
    }
    return measurements;
  },
};
