import type { z } from 'zod';
import {
  BASE_VARIABLES,
  type ConfigVariable,
  type KmsKeyRef,
  type NodeEnv,
  type RegionId,
  regionVariableName,
  regionVariables,
} from '../../schemas/config.js';
import { deepFreeze } from '../shared/deep-freeze.js';
import { mongoDatabaseIdentity, sameMongoDatabase } from './mongodb-database-identity.js';
import { ConfigError } from '../shared/errors.js';

export interface RegionConfig {
  readonly id: RegionId;
  readonly mongodbUri: string;
  readonly kmsKey: KmsKeyRef;
  readonly bucket: string;
}

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly redisUrl: string;
  readonly regionIds: readonly RegionId[];
  readonly regions: Readonly<Record<RegionId, RegionConfig>>;
  readonly workerRegions: readonly RegionId[];
  /** Unset means Google's own endpoint. */
  readonly kmsEndpoint: string | undefined;
  readonly gcsEndpoint: string | undefined;
  /** Base of every region's BullMQ prefix (jobs/queues.ts regionQueuePrefix). */
  readonly queuePrefix: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Zendesk's limits for the accounts this deployment syncs (per minute), and the length of that minute. */
  readonly zendeskLimits: {
    readonly accountPerMinute: number;
    readonly exportPerMinute: number;
    readonly usersExportPerMinute: number;
    readonly windowMs: number;
    /** Share of each limit tally uses; the rest is the account's other apps'. */
    readonly share: number;
  };
  /** Largest Zendesk response body read (TALLY_ZENDESK_MAX_BODY_MB), in bytes; a larger one is ZD_TOO_LARGE. */
  readonly zendeskMaxBodyBytes: number;
  /** The worker's queues, schedules, leases and shutdown (docs/architecture.md#jobs). */
  readonly jobs: {
    readonly queuePrefix: string;
    readonly syncIntervalMs: number;
    readonly reconcileIntervalMs: number;
    readonly concurrency: number;
    readonly leaseMs: number;
    readonly budgetMaxWaitMs: number;
    readonly shutdownTimeoutMs: number;
    readonly metricsPort: number;
  };
  /** Backups of each region (docs/backup.md): when, and how many complete ones are kept. */
  readonly backup: {
    readonly schedule: { readonly kind: 'cron'; readonly pattern: string } | { readonly kind: 'every'; readonly ms: number };
    readonly keep: number;
  };
  /** `tally serve` (docs/api.md). */
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** PEM files; both or neither. */
    readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
    /** Addresses or CIDR ranges of the proxy in front (X-Forwarded-For is believed only from them). */
    readonly trustedProxy: string | undefined;
    readonly keyRatePerMinute: number;
    /** Signs dashboard session cookies; unset outside production means a random one per process (docs/dashboard.md#sessions). */
    readonly sessionSecret: string | undefined;
    /** Where people open the dashboard (setup links start with it): TALLY_PUBLIC_URL, else this server's own address. */
    readonly publicUrl: string;
  };
}

/** Daily at 02:00 UTC (docs/backup.md). */
export const DEFAULT_BACKUP_CRON = '0 2 * * *';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and checks every setting once, at start. Outside production an unset
 * variable takes its value for the local services (scripts/services); in
 * production everything but the emulator endpoints must be set. The error lists
 * every bad variable with how to fix it, and never echoes a value (URIs can hold passwords).
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const nodeEnvRaw = env['NODE_ENV'];
  const production = nodeEnvRaw === 'production';

  const read = <T>(variable: ConfigVariable): T | undefined => {
    const raw = env[variable.name];
    const given = raw !== undefined && raw.trim() !== '';
    const value = given ? raw.trim() : (variable.default ?? (production ? undefined : variable.localDefault));
    const result = (variable.schema as z.ZodType<T>).safeParse(value);
    if (result.success) return result.data;
    const reason = value === undefined ? 'is not set' : result.error.issues.map((issue) => issue.message).join('; ');
    problems.push(`${variable.name} ${reason}: ${variable.fix}.`);
    return undefined;
  };

  const base = (name: string): ConfigVariable => {
    const variable = BASE_VARIABLES.find((candidate) => candidate.name === name);
    if (!variable) throw new Error(`config variable ${name} is not declared in schemas/config.ts`);
    return variable;
  };
  const workerVar = base('TALLY_WORKER_REGIONS');
  const nodeEnv = read<NodeEnv>(base('NODE_ENV'));
  const redisUrl = read<string>(base('REDIS_URL'));
  const regionIds = read<RegionId[]>(base('TALLY_REGIONS'));
  const workerRegions = read<RegionId[] | undefined>(workerVar);
  const kmsEndpoint = read<string | undefined>(base('TALLY_KMS_ENDPOINT'));
  const gcsEndpoint = read<string | undefined>(base('TALLY_GCS_ENDPOINT'));
  const logLevel = read<Config['logLevel']>(base('TALLY_LOG_LEVEL'));
  const queuePrefix = read<string>(base('TALLY_QUEUE_PREFIX'));
  const accountPerMinute = read<number>(base('TALLY_ZENDESK_RATE_LIMIT'));
  const exportPerMinute = read<number>(base('TALLY_ZENDESK_EXPORT_RATE_LIMIT'));
  const usersExportPerMinute = read<number>(base('TALLY_ZENDESK_USERS_EXPORT_RATE_LIMIT'));
  const windowMs = read<number>(base('TALLY_ZENDESK_MINUTE_MS'));
  const share = read<number>(base('TALLY_ZENDESK_RATE_SHARE'));
  const maxBodyMb = read<number>(base('TALLY_ZENDESK_MAX_BODY_MB'));
  const jobs = {
    queuePrefix,
    syncIntervalMs: read<number>(base('TALLY_SYNC_INTERVAL_MS')),
    reconcileIntervalMs: read<number>(base('TALLY_RECONCILE_INTERVAL_MS')),
    concurrency: read<number>(base('TALLY_WORKER_CONCURRENCY')),
    leaseMs: read<number>(base('TALLY_LEASE_MS')),
    budgetMaxWaitMs: read<number>(base('TALLY_BUDGET_MAX_WAIT_MS')),
    shutdownTimeoutMs: read<number>(base('TALLY_SHUTDOWN_TIMEOUT_MS')),
    metricsPort: read<number>(base('TALLY_METRICS_PORT')),
  };

  const backupCron = read<string | undefined>(base('TALLY_BACKUP_CRON'));
  const backupEveryMs = read<number | undefined>(base('TALLY_BACKUP_INTERVAL_MS'));
  const backupKeep = read<number>(base('TALLY_BACKUP_KEEP'));
  if (backupCron !== undefined && backupEveryMs !== undefined) {
    problems.push('TALLY_BACKUP_CRON and TALLY_BACKUP_INTERVAL_MS are both set: set one of them (a cron schedule in UTC, or an interval), or neither for daily at 02:00 UTC.');
  }
  const httpHost = read<string>(base('TALLY_HTTP_HOST'));
  const httpPort = read<number>(base('TALLY_HTTP_PORT'));
  const certFile = read<string | undefined>(base('TALLY_HTTP_TLS_CERT'));
  const keyFile = read<string | undefined>(base('TALLY_HTTP_TLS_KEY'));
  const trustedProxy = read<string | undefined>(base('TALLY_HTTP_TRUSTED_PROXY'));
  const keyRatePerMinute = read<number>(base('TALLY_HTTP_KEY_RATE_LIMIT'));
  const publicUrl = read<string | undefined>(base('TALLY_PUBLIC_URL'));
  const sessionSecret = read<string | undefined>(base('TALLY_SESSION_SECRET'));
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push(`${certFile === undefined ? 'TALLY_HTTP_TLS_CERT' : 'TALLY_HTTP_TLS_KEY'} is not set, but ${certFile === undefined ? 'TALLY_HTTP_TLS_KEY' : 'TALLY_HTTP_TLS_CERT'} is: set both PEM files for HTTPS, or neither.`);
  }

  const regions: Record<RegionId, RegionConfig> = {};
  for (const id of regionIds ?? []) {
    const [mongoVar, kmsKeyVar, bucketVar] = regionVariables(id) as [ConfigVariable, ConfigVariable, ConfigVariable];
    const mongodbUri = read<string>(mongoVar);
    const kmsKey = read<KmsKeyRef>(kmsKeyVar);
    const bucket = read<string>(bucketVar);
    if (kmsKey?.kind === 'local' && production) {
      problems.push(
        `${kmsKeyVar.name} names a local key file, which is refused when NODE_ENV=production: ` +
          'set it to a Cloud KMS key name projects/…/cryptoKeys/….',
      );
    }
    if (mongodbUri !== undefined && kmsKey !== undefined && bucket !== undefined) {
      regions[id] = { id, mongodbUri, kmsKey, bucket };
    }
  }
  problems.push(...sharedDatabaseProblems(Object.values(regions)));
  // An endpoint makes the clients skip Google's authentication (src/crypto/create-kms-client.ts,
  // src/storage/create-gcs-storage.ts): in production only Google's own endpoints are used (README, Configuration).
  if (production) {
    if (kmsEndpoint !== undefined) {
      problems.push(
        'TALLY_KMS_ENDPOINT names a Cloud KMS emulator, which is refused when NODE_ENV=production ' +
          '(the client would skip authentication and, over http, send keys in the clear): unset it to use Google Cloud KMS.',
      );
    }
    if (gcsEndpoint !== undefined) {
      problems.push(
        'TALLY_GCS_ENDPOINT names a Cloud Storage emulator, which is refused when NODE_ENV=production ' +
          '(the client would skip authentication): unset it to use Google Cloud Storage.',
      );
    }
  }
  for (const id of workerRegions ?? []) {
    if (regionIds && !regionIds.includes(id)) {
      problems.push(`TALLY_WORKER_REGIONS names region ${id}, which TALLY_REGIONS does not list: ${workerVar.fix}.`);
    }
  }

  if (
    problems.length > 0 ||
    !nodeEnv ||
    !redisUrl ||
    !regionIds ||
    !logLevel ||
    !queuePrefix ||
    accountPerMinute === undefined ||
    exportPerMinute === undefined ||
    usersExportPerMinute === undefined ||
    windowMs === undefined ||
    share === undefined ||
    maxBodyMb === undefined ||
    httpHost === undefined ||
    httpPort === undefined ||
    keyRatePerMinute === undefined ||
    backupKeep === undefined ||
    Object.values(jobs).some((value) => value === undefined)
  ) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
  return deepFreeze({
    nodeEnv,
    redisUrl,
    regionIds,
    regions,
    workerRegions: workerRegions ?? regionIds,
    kmsEndpoint,
    gcsEndpoint,
    logLevel,
    queuePrefix,
    zendeskLimits: { accountPerMinute, exportPerMinute, usersExportPerMinute, windowMs, share },
    zendeskMaxBodyBytes: maxBodyMb * 1024 * 1024,
    jobs: jobs as Config['jobs'],
    backup: {
      schedule: backupEveryMs !== undefined ? { kind: 'every', ms: backupEveryMs } : { kind: 'cron', pattern: (backupCron ?? DEFAULT_BACKUP_CRON).trim() },
      keep: backupKeep,
    },
    http: {
      host: httpHost,
      port: httpPort,
      tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined,
      trustedProxy,
      keyRatePerMinute,
      sessionSecret,
      publicUrl: publicUrl ?? `${certFile !== undefined ? 'https' : 'http'}://${httpHost}:${httpPort}`,
    },
  });
}

/** Two regions on one database would let one region's tenants be read as the other's (src/config/mongodb-database-identity.ts). */
function sharedDatabaseProblems(regions: readonly RegionConfig[]): string[] {
  const problems: string[] = [];
  const identities = regions.map((region) => ({ region, identity: mongoDatabaseIdentity(region.mongodbUri) }));
  identities.forEach((first, index) => {
    for (const second of identities.slice(index + 1)) {
      if (!first.identity || !second.identity || !sameMongoDatabase(first.identity, second.identity)) continue;
      const [a, b] = [first.region.id, second.region.id].map((id) => regionVariableName(id, 'MONGODB_URI'));
      problems.push(
        `${a} and ${b} name the same MongoDB database (same servers and database name): ` +
          'give each region its own database, e.g. a different database name in the path, or a server in that region.',
      );
    }
  });
  return problems;
}
