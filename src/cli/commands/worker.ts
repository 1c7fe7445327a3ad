import type { Command } from 'commander';
import { InputError } from '../../shared/errors.js';
import { runWorker } from '../../../jobs/worker.js';
import { withApp } from '../app-context.js';
import { formatTable } from '../format-table.js';

export function registerWorkerCommands(program: Command): void {
  program
    .command('worker')
    .description('run the Job Schedulers and workers of the regions in TALLY_WORKER_REGIONS until SIGTERM')
    .action(async () => {
      await runWorker();
    });

  program
    .command('status')
    .description('per tenant and stream: lag, last success, last error, 429s in the last hour; and queue depths')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: { format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw new InputError('--format', '--format must be table or json');
      const view = await withApp(({ useCases }) => useCases.status());
      if (flags.format === 'json') {
        console.log(JSON.stringify(view, null, 2));
        return;
      }
      const at = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' '));
      console.log(
        formatTable(
          ['REGION', 'TENANT', 'STREAM', 'LAG S', 'LAST SUCCESS (UTC)', 'LAST ERROR', '429S/H'],
          view.streams.map((row) => [
            row.region,
            row.tenantId,
            row.unavailable ? `${row.stream} (unavailable)` : row.stream,
            row.lagSeconds === null ? '-' : String(row.lagSeconds),
            at(row.lastSuccessAt),
            row.tenantStatus === 'auth_failed' ? 'auth_failed' : (row.lastErrorCode ?? '-'),
            String(row.rateLimitedLastHour),
          ]),
        ),
      );
      console.log();
      console.log(
        formatTable(
          ['REGION', 'QUEUE', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED'],
          view.queues.map((depth) => [depth.region, depth.queue, ...[depth.counts.waiting, depth.counts.active, depth.counts.delayed, depth.counts.failed].map(String)]),
        ),
      );
    });
}
