/**
 * Backup and restore of a region with 1,000,000 facts, and with 10,000 for the memory
 * comparison (docs/backup.md#memory): bench/backup.ts, each backup and restore in its own
 * process, on the bench's database server and the local fake-gcs-server.
 */
import { runChild } from '../lib/child.js';
import type { BenchCase, Measurement } from '../lib/context.js';
import { summarise } from '../lib/stats.js';
import type { BackupFigures } from '../backup.js';

const SIZES = [1_000_000, 10_000];
const MB = 1e6;

export const backupCase: BenchCase = {
  name: 'backup',
  async run(context) {
    const host = new URL(context.mongoUrl).host;
    const { figures } = await runChild<{ figures: BackupFigures[] }>('bench/backup.ts', ['--facts', SIZES.join(','), '--runs', String(context.runs), '--host', host, '--json']);
    const measurements: Measurement[] = [];
    for (const { facts, backup, restore } of figures) {
      const size = facts >= 1_000_000 ? `${facts / 1_000_000}M facts` : `${facts / 1_000}k facts`;
      const raw = backup.rawBytes / MB;
      context.log(`backup ${size}: ${backup.seconds.map((s) => s.toFixed(1)).join(', ')} s; restore ${restore.seconds.map((s) => s.toFixed(1)).join(', ')} s`);
      measurements.push(
        { case: 'backup', name: 'backup of a region', size, unit: 's', summary: summarise(backup.seconds), note: `tally backup run's use case: cursor, gzip, sealed chunks, resumable upload, manifest; ${raw.toFixed(1)} MB of BSON into ${(backup.dataBytes / MB).toFixed(1)} MB` },
        { case: 'backup', name: 'backup throughput', size, unit: 'MB/s', summary: summarise(backup.seconds.map((s) => raw / s)), note: 'MB of documents (BSON) read and written per second' },
        { case: 'backup', name: 'backup peak RSS', size, unit: 'MB', summary: summarise(backup.maxRssBytes.map((b) => b / MB)), note: 'the backup process, with the Dockerfile’s NODE_OPTIONS' },
        { case: 'backup', name: 'restore into an empty database', size, unit: 's', summary: summarise(restore.seconds), note: 'every chunk checked first, then written, indexes made, ledger re-applied' },
        { case: 'backup', name: 'restore throughput', size, unit: 'MB/s', summary: summarise(restore.seconds.map((s) => raw / s)), note: 'MB of documents (BSON) restored per second, both passes included' },
        { case: 'backup', name: 'restore peak RSS', size, unit: 'MB', summary: summarise(restore.maxRssBytes.map((b) => b / MB)), note: 'the restore process' },
      );
    }
    return measurements;
  },
};
