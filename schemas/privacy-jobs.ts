import { z } from 'zod';
import { RegionIdSchema } from './config.js';
import { TenantIdSchema } from './records.js';

/** A purge job's data: ids only (docs/architecture.md#jobs). */
export const PurgeJobDataSchema = z.strictObject({ tenantId: TenantIdSchema, requestId: z.uuid() });
export type PurgeJobData = z.infer<typeof PurgeJobDataSchema>;

/** A retention run covers every tenant of one region. */
export const RetentionJobDataSchema = z.strictObject({ region: RegionIdSchema });
export type RetentionJobData = z.infer<typeof RetentionJobDataSchema>;

/** A backup run covers one region's whole database (docs/backup.md). */
export const BackupJobDataSchema = z.strictObject({ region: RegionIdSchema });
export type BackupJobData = z.infer<typeof BackupJobDataSchema>;
