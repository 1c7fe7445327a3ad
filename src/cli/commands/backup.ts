import type { Command } from 'commander';
import { InputError } from '../../shared/errors.js';
import { withApp } from '../app-context.js';
import { formatTable } from '../format-table.js';

/** `tally backup run|list|restore` (docs/backup.md). */
export function registerBackupCommand(program: Command): void {
  const backup = program.command('backup').description("encrypted backups of a region's database in that region's bucket, and restores that keep every purge");

  backup
    .command('run')
    .description("back up every collection of the region's database to the region's bucket now (the worker does it on TALLY_BACKUP_CRON); prints the receipt")
    .option('--region <region>', 'the region')
    .action(async (flags: { region?: string }) => {
      const receipt = await withApp(({ useCases }) => useCases.backup.run(flags.region));
      console.log(JSON.stringify(receipt, null, 2));
    });

  backup
    .command('list')
    .description("the region's backups, oldest first: id, time, size, documents, complete or not")
    .option('--region <region>', 'the region')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: { region?: string; format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw new InputError('--format', '--format must be table or json');
      const views = await withApp(({ useCases }) => useCases.backup.list(flags.region));
      if (flags.format === 'json') {
        console.log(JSON.stringify(views, null, 2));
        return;
      }
      const rows = views.map((view) => [
        view.backupId,
        view.startedAt ?? '-',
        view.completedAt ?? '-',
        megabytes(view.bytes),
        view.collections === null ? '-' : String(Object.values(view.collections).reduce((sum, count) => sum + count, 0)),
        view.collections === null ? '-' : String(view.collections['facts'] ?? 0),
        view.complete ? 'complete' : 'INCOMPLETE (never restored)',
      ]);
      console.log(rows.length === 0 ? 'no backups' : formatTable(['BACKUP', 'STARTED', 'COMPLETED', 'SIZE', 'DOCUMENTS', 'FACTS', 'STATE'], rows));
    });

  backup
    .command('restore')
    .description('restore a complete backup into a new, empty database, checking every chunk first, then re-apply every purge and offboarding since; prints the receipt')
    .option('--region <region>', "the backup's region")
    .option('--backup <id>', 'the backup id (tally backup list)')
    .option('--into <uri>', 'mongodb:// URI of a new, empty database in the region')
    .action(async (flags: { region?: string; backup?: string; into?: string }) => {
      const receipt = await withApp(({ useCases }) => useCases.backup.restore(flags.region, flags.backup, flags.into));
      console.log(JSON.stringify(receipt, null, 2));
    });
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
