import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/** Region ids name environment variables (`TALLY_<REGION>_…`) and queue prefixes. */
export const RegionIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]{1,15}$/, 'a region id is 2 to 16 lower-case letters or digits, starting with a letter');
export type RegionId = z.infer<typeof RegionIdSchema>;

export const NodeEnvSchema = z.enum(['development', 'test', 'production']);
export type NodeEnv = z.infer<typeof NodeEnvSchema>;

export const LogLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const regionListSchema = z
  .string()
  .transform((text) => text.split(',').map((part) => part.trim()).filter((part) => part !== ''))
  .pipe(
    z
      .array(RegionIdSchema)
      .min(1, 'names no region')
      .refine((ids) => new Set(ids).size === ids.length, 'names a region twice'),
  );

const GCP_KEY_NAME = /^projects\/[^/\s]+\/locations\/[^/\s]+\/keyRings\/[^/\s]+\/cryptoKeys\/[^/\s]+$/;

export const KmsKeySchema = z.union(
  [
    z
      .string()
      .regex(GCP_KEY_NAME)
      .transform((name) => ({ kind: 'gcp' as const, name })),
    z
      .string()
      .regex(/^local:.+$/)
      .transform((value) => ({ kind: 'local' as const, file: value.slice('local:'.length) })),
  ],
  { error: 'must be a Cloud KMS key name projects/P/locations/L/keyRings/R/cryptoKeys/K, or local:FILE' },
);
export type KmsKeyRef = z.infer<typeof KmsKeySchema>;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/**
 * A whole number written in decimal digits, within [min, max]. `Number()` alone
 * would also take 0x1F4, 0b11, 3e5 or Infinity.
 */
const decimalInteger = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a decimal number, digits only (no 0x, exponent or sign)')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A number written as decimal digits with an optional fraction (0.8), within [min, max]. */
const decimalFraction = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a decimal number such as 0.8 (no 0x, exponent or sign)')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

/** One environment variable: how it is checked, how to fix it, and its value for the local services. */
export interface ConfigVariable {
  readonly name: string;
  readonly schema: z.ZodType;
  readonly fix: string;
  /** Used when the variable is unset, in every environment. */
  readonly default?: string;
  /** Used when the variable is unset outside production: the local services' value. */
  readonly localDefault?: string;
}

export const LOCAL_REGIONS = ['us', 'eu'] as const;

// Small client pools: the local FerretDB deadlocks when updates hold every connection of its pool (scripts/services).
const LOCAL_REGION_DEFAULTS: Record<string, { mongodbUri: string; kmsKey: string; bucket: string }> = {
  us: {
    mongodbUri: 'mongodb://127.0.0.1:27017/tally_us?directConnection=true&maxPoolSize=4',
    kmsKey: 'projects/tally-local/locations/us/keyRings/tally/cryptoKeys/tenant-keys',
    bucket: 'tally-us-local',
  },
  eu: {
    mongodbUri: 'mongodb://127.0.0.1:27017/tally_eu?directConnection=true&maxPoolSize=4',
    kmsKey: 'projects/tally-local/locations/europe-west3/keyRings/tally/cryptoKeys/tenant-keys',
    bucket: 'tally-eu-local',
  },
};

/** Variables that do not depend on the region list. */
export const BASE_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'NODE_ENV',
    schema: NodeEnvSchema,
    fix: 'set it to development, test or production',
    default: 'development',
  },
  {
    name: 'REDIS_URL',
    schema: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }),
    fix: 'set it to the Redis that holds the job queues, e.g. redis://127.0.0.1:6379',
    localDefault: 'redis://127.0.0.1:6379',
  },
  {
    name: 'TALLY_REGIONS',
    schema: regionListSchema,
    fix: 'list the storage regions, comma-separated, e.g. us,eu',
    localDefault: LOCAL_REGIONS.join(','),
  },
  {
    name: 'TALLY_WORKER_REGIONS',
    schema: regionListSchema.optional(),
    fix: 'list the regions this process serves, a subset of TALLY_REGIONS (unset: all of them)',
  },
  {
    name: 'TALLY_KMS_ENDPOINT',
    schema: httpUrl.optional(),
    fix: 'set it to a Cloud KMS emulator URL such as http://127.0.0.1:9011, or leave it unset for Google',
    localDefault: 'http://127.0.0.1:9011',
  },
  {
    name: 'TALLY_GCS_ENDPOINT',
    schema: httpUrl.optional(),
    fix: 'set it to a Cloud Storage emulator URL such as http://127.0.0.1:4443, or leave it unset for Google',
    localDefault: 'http://127.0.0.1:4443',
  },
  {
    name: 'TALLY_ZENDESK_RATE_LIMIT',
    schema: decimalInteger(1, 100_000),
    fix: "set it to the Zendesk plan's account-wide limit in requests per minute (Enterprise 700, Professional 400, High Volume 2500)",
    default: '700',
  },
  {
    name: 'TALLY_ZENDESK_EXPORT_RATE_LIMIT',
    schema: decimalInteger(1, 100_000),
    fix: 'set it to the incremental-export limit in requests per minute (10; 30 with High Volume)',
    default: '10',
  },
  {
    name: 'TALLY_ZENDESK_USERS_EXPORT_RATE_LIMIT',
    schema: decimalInteger(1, 100_000),
    fix: 'set it to the users cursor export limit in requests per minute (20; 60 with High Volume)',
    default: '20',
  },
  {
    name: 'TALLY_ZENDESK_RATE_SHARE',
    // Above 0.95 a minute that starts with a full bucket could see one request over a limit of 10.
    schema: decimalFraction(0.5, 0.95),
    fix: "set it to the share of each Zendesk limit tally may use, from 0.5 to 0.95 (default 0.95); lower leaves more of the account's limit to its other apps",
    default: '0.95',
  },
  {
    name: 'TALLY_ZENDESK_MINUTE_MS',
    schema: decimalInteger(100, 600_000),
    fix: "leave it unset (60000); only a sped-up simulator's minute is shorter, e.g. 6000 for --speed 10",
    default: '60000',
  },
  {
    name: 'TALLY_ZENDESK_MAX_BODY_MB',
    schema: decimalInteger(1, 1024),
    fix: 'set it to the largest Zendesk response body tally reads, in whole MB from 1 to 1024 (default 32; a page of 1,000 ticket events with comments is a few MB)',
    default: '32',
  },
  {
    name: 'TALLY_QUEUE_PREFIX',
    schema: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, 'must be 1 to 40 letters, digits, _ or -'),
    fix: "set it to the base of the BullMQ queue prefixes (default tally); each region's queues live under BASE:REGION",
    default: 'tally',
  },
  {
    name: 'TALLY_SYNC_INTERVAL_MS',
    schema: decimalInteger(500, 86_400_000),
    fix: 'set it to the time between two syncs of one stream in milliseconds (default 300000, five minutes)',
    default: '300000',
  },
  {
    name: 'TALLY_RECONCILE_INTERVAL_MS',
    schema: decimalInteger(200, 3_600_000),
    fix: 'set it to how often the worker aligns the Job Schedulers with the tenants table, in milliseconds (default 30000)',
    default: '30000',
  },
  {
    name: 'TALLY_BACKUP_CRON',
    schema: z
      .string()
      .refine((text) => text.trim().split(/\s+/).length === 5 && validCron(text), 'must be a cron expression of five fields (minute hour day month weekday), in UTC')
      .optional(),
    fix: 'set it to when each region is backed up, as five cron fields in UTC, e.g. "0 2 * * *" (the default: daily at 02:00), or set TALLY_BACKUP_INTERVAL_MS instead',
  },
  {
    name: 'TALLY_BACKUP_INTERVAL_MS',
    schema: decimalInteger(60_000, 7 * 86_400_000).optional(),
    fix: 'set it to the time between two backups of a region in milliseconds (60000 to 604800000), or unset it and use TALLY_BACKUP_CRON',
  },
  {
    name: 'TALLY_BACKUP_KEEP',
    schema: decimalInteger(1, 1000),
    fix: 'set it to how many complete backups of each region to keep (1 to 1000, default 14); older ones are deleted after each backup',
    default: '14',
  },
  {
    name: 'TALLY_WORKER_CONCURRENCY',
    schema: decimalInteger(1, 256),
    fix: 'set it to how many sync jobs one worker process runs at once (default 4)',
    default: '4',
  },
  {
    name: 'TALLY_LEASE_MS',
    schema: decimalInteger(1_000, 600_000),
    fix: "set it to the lifetime of a stream's sync lease and job lock in milliseconds, renewed while the sync runs (default 30000)",
    default: '30000',
  },
  {
    name: 'TALLY_BUDGET_MAX_WAIT_MS',
    schema: decimalInteger(0, 600_000),
    fix: "set it to the longest a sync waits in the request budget before it checkpoints and delays its job, in milliseconds (default 5000)",
    default: '5000',
  },
  {
    name: 'TALLY_SHUTDOWN_TIMEOUT_MS',
    schema: decimalInteger(1_000, 600_000),
    fix: 'set it to how long the worker lets running pages finish after SIGTERM before it exits, in milliseconds (default 30000)',
    default: '30000',
  },
  {
    name: 'TALLY_METRICS_PORT',
    schema: decimalInteger(0, 65_535),
    fix: "set it to the loopback port of the worker's Prometheus metrics (default 9464; 0 picks a free port)",
    default: '9464',
  },
  {
    name: 'TALLY_HTTP_HOST',
    schema: z.string().regex(/^[0-9A-Za-z.:-]{1,253}$/, 'must be a host name or an IP address'),
    fix: 'set it to the address `tally serve` listens on, e.g. 127.0.0.1 or 0.0.0.0',
    default: '127.0.0.1',
  },
  {
    name: 'TALLY_HTTP_PORT',
    schema: decimalInteger(0, 65_535),
    fix: 'set it to the port `tally serve` listens on (default 8080; 0 picks a free port)',
    default: '8080',
  },
  {
    name: 'TALLY_HTTP_TLS_CERT',
    schema: z.string().min(1).optional(),
    fix: 'set it to the path of a PEM certificate (chain) file, together with TALLY_HTTP_TLS_KEY, or leave both unset',
  },
  {
    name: 'TALLY_HTTP_TLS_KEY',
    schema: z.string().min(1).optional(),
    fix: 'set it to the path of the PEM private key of TALLY_HTTP_TLS_CERT, or leave both unset',
  },
  {
    name: 'TALLY_HTTP_TRUSTED_PROXY',
    schema: z.string().regex(/^[0-9A-Fa-f.:/,]{2,200}$/, 'must be IP addresses or CIDR ranges, comma-separated').optional(),
    fix: 'set it to the address (or CIDR) of the proxy that terminates TLS in front of `tally serve`, e.g. 10.0.0.5',
  },
  {
    name: 'TALLY_HTTP_KEY_RATE_LIMIT',
    schema: decimalInteger(1, 1_000_000),
    fix: 'set it to the requests per minute one API key may make (default 600)',
    default: '600',
  },
  {
    name: 'TALLY_PUBLIC_URL',
    schema: httpUrl.regex(/^[^?#]*[^/?#]$/, 'must not end with / or carry a query').optional(),
    fix: 'set it to the address people open the dashboard at, e.g. https://tally.example.com (no trailing /): setup links start with it',
  },
  {
    name: 'TALLY_SESSION_SECRET',
    schema: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
    fix: 'set it to 32 or more random characters (e.g. openssl rand -base64 48), the same in every tally serve process; required by tally serve when NODE_ENV=production',
  },
  {
    name: 'TALLY_LOG_LEVEL',
    schema: LogLevelSchema,
    fix: `set it to one of ${LogLevelSchema.options.join(', ')}`,
    default: 'info',
  },
];

export const regionVariableName = (region: string, suffix: 'MONGODB_URI' | 'KMS_KEY' | 'BUCKET'): string =>
  `TALLY_${region.toUpperCase()}_${suffix}`;

/** The variables each configured region needs. */
export function regionVariables(region: string): ConfigVariable[] {
  const local = LOCAL_REGION_DEFAULTS[region];
  const withDefault = (value: string | undefined) => (value === undefined ? {} : { localDefault: value });
  return [
    {
      name: regionVariableName(region, 'MONGODB_URI'),
      schema: z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// URI'),
      fix: `set it to the MongoDB connection string of region ${region}, with the database name in the path`,
      ...withDefault(local?.mongodbUri),
    },
    {
      name: regionVariableName(region, 'KMS_KEY'),
      schema: KmsKeySchema,
      fix: `set it to region ${region}'s Cloud KMS key (projects/…/cryptoKeys/…), or local:FILE outside production`,
      ...withDefault(local?.kmsKey),
    },
    {
      name: regionVariableName(region, 'BUCKET'),
      schema: z
        .string()
        .regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, 'must be a Cloud Storage bucket name (3 to 63 of a-z 0-9 . _ -)'),
      fix: `set it to the Cloud Storage bucket of region ${region} (backups and exports)`,
      ...withDefault(local?.bucket),
    },
  ];
}

/** Every variable tally reads for the given regions; deployment files may set no others. */
export function knownConfigVariables(regions: readonly string[]): string[] {
  return [...BASE_VARIABLES, ...regions.flatMap(regionVariables)].map((variable) => variable.name);
}

function validCron(text: string): boolean {
  try {
    CronExpressionParser.parse(text, { tz: 'UTC' });
    return true;
  } catch {
    return false;
  }
}
