import { type Command } from 'commander';
import { logUpdateStderr } from 'log-update';
import { InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';
import { formatTable } from '../format-table.js';
import type { StreamCounts } from '../../ingest/run-tenant-sync.js';

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('pull every stream of a tenant from Zendesk until caught up, then update its daily metrics')
    .option('--tenant <id>', 'tenant id')
    .option('--once', 'run once and exit (the worker runs syncs on a schedule)')
    .action(async (flags: { tenant?: string; once?: boolean }) => {
      if (!flags.tenant) throw new InputError('--tenant', '--tenant is required: the tenant to sync (see tally tenants list)');
      if (!flags.once) throw new InputError('--once', '--once is required: tally sync runs one pass; use tally worker for scheduled syncs');
      const tenantId = flags.tenant;
      const started = Date.now();
      const interactive = process.stderr.isTTY === true;
      const progress = new Map<string, StreamCounts>();
      const render = () => logUpdateStderr(progressLines([...progress.values()], started).join('\n'));
      const results = await withApp(async ({ useCases }) => {
        try {
          return await useCases.syncTenant(tenantId, (counts) => {
            progress.set(counts.stream, { ...counts });
            if (interactive) render();
          });
        } finally {
          if (interactive) logUpdateStderr.done();
        }
      });
      const rows = results.map((r) => [r.stream, r.status, r.read, r.stored, r.quarantined, r.duplicates, r.buckets, r.requests, r.rateLimited].map(String));
      console.log(formatTable(['STREAM', 'STATUS', 'READ', 'STORED', 'QUARANTINED', 'DUPLICATES', 'BUCKETS', 'REQUESTS', '429S'], rows));
      console.log(`synced tenant ${tenantId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (results.some((r) => r.status === 'auth_failed')) {
        console.error(`tally: Zendesk refused tenant ${tenantId}'s credentials (401); its syncs stop until they are replaced (tally tenants credentials)`);
        process.exitCode = 3;
      }
    });
}

/** One line per stream: records so far, their rate, and how far the export's timestamps reach. */
function progressLines(streams: StreamCounts[], started: number): string[] {
  const seconds = Math.max(0.001, (Date.now() - started) / 1000);
  return streams.map((s) => {
    const reached = s.reached ? s.reached.slice(0, 16).replace('T', ' ') : '-';
    return `${s.stream.padEnd(22)} ${String(s.read).padStart(8)} records ${(s.read / seconds).toFixed(0).padStart(7)}/s  reached ${reached}  ${s.status}`;
  });
}
