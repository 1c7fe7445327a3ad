/**
 * The `backup` queue's job (docs/backup.md): one backup of the region's database to its own
 * bucket, from the region's one scheduler (TALLY_BACKUP_CRON in UTC, or TALLY_BACKUP_INTERVAL_MS).
 * A backup cut short (a crash, a shutdown, an outage) stays incomplete and is never restored;
 * the retry, or the next run, makes a new one.
 */
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { RegionId } from '../schemas/config.js';
import type { RegionBackupPorts } from '../src/app/backup-adapters.js';
import { type BackupReceipt, runBackup } from '../src/backup/run-backup.js';
import type { Config } from '../src/config/load-config.js';
import { AppError } from '../src/shared/errors.js';
import { tallyVersion } from '../src/shared/package-root.js';
import { JOBS } from './catalog.js';

/** The region's one backup scheduler: upserting it again with another schedule replaces it. */
export const backupSchedulerId = (region: RegionId): string => `backup:${region}`;

export async function scheduleBackup(queue: Queue, region: RegionId, schedule: Config['backup']['schedule']): Promise<void> {
  await queue.upsertJobScheduler(
    backupSchedulerId(region),
    schedule.kind === 'cron' ? { pattern: schedule.pattern, tz: 'UTC' } : { every: schedule.ms },
    { name: JOBS.backup.name, data: { region }, opts: JOBS.backup.options },
  );
}

export function createBackupProcessor(
  deps: { readonly backups: RegionBackupPorts; readonly keep: number; readonly now: () => Date; readonly shutdown: AbortSignal },
  region: RegionId,
): (job: Job) => Promise<BackupReceipt> {
  return async (job) => {
    const parsed = JOBS.backup.schema.safeParse(job.data);
    if (!parsed.success || parsed.data.region !== region) {
      throw new UnrecoverableError(`BACKUP_JOB_INVALID: a backup job of this queue carries {region: "${region}"}`);
    }
    const { bucket, dump, wrapper, ledger } = deps.backups;
    try {
      return await runBackup({ region, bucket, dump, wrapper, ledger, keep: deps.keep, now: deps.now, tallyVersion: tallyVersion(), signal: deps.shutdown });
    } catch (error) {
      if (error instanceof AppError && !error.retryable) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  };
}
