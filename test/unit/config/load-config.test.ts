import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/shared/errors.js';

const production = {
  NODE_ENV: 'production',
  REDIS_URL: 'rediss://redis.internal:6380',
  TALLY_REGIONS: 'us,eu',
  TALLY_US_MONGODB_URI: 'mongodb+srv://tally:s3cret-password@us.example.net/tally',
  TALLY_EU_MONGODB_URI: 'mongodb+srv://tally:s3cret-password@eu.example.net/tally',
  TALLY_US_KMS_KEY: 'projects/p/locations/us/keyRings/r/cryptoKeys/k',
  TALLY_EU_KMS_KEY: 'projects/p/locations/europe-west3/keyRings/r/cryptoKeys/k',
  TALLY_US_BUCKET: 'tally-us',
  TALLY_EU_BUCKET: 'tally-eu',
};

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('serves the local services when nothing is set outside production', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      nodeEnv: 'development',
      redisUrl: 'redis://127.0.0.1:6379',
      regionIds: ['us', 'eu'],
      regions: {
        us: {
          id: 'us',
          mongodbUri: 'mongodb://127.0.0.1:27017/tally_us?directConnection=true&maxPoolSize=4',
          kmsKey: { kind: 'gcp', name: 'projects/tally-local/locations/us/keyRings/tally/cryptoKeys/tenant-keys' },
          bucket: 'tally-us-local',
        },
        eu: {
          id: 'eu',
          mongodbUri: 'mongodb://127.0.0.1:27017/tally_eu?directConnection=true&maxPoolSize=4',
          kmsKey: {
            kind: 'gcp',
            name: 'projects/tally-local/locations/europe-west3/keyRings/tally/cryptoKeys/tenant-keys',
          },
          bucket: 'tally-eu-local',
        },
      },
      workerRegions: ['us', 'eu'],
      kmsEndpoint: 'http://127.0.0.1:9011',
      gcsEndpoint: 'http://127.0.0.1:4443',
      logLevel: 'info',
      queuePrefix: 'tally',
      zendeskLimits: { accountPerMinute: 700, exportPerMinute: 10, usersExportPerMinute: 20, windowMs: 60_000, share: 0.95 },
      zendeskMaxBodyBytes: 32 * 1024 * 1024,
      jobs: {
        queuePrefix: 'tally',
        syncIntervalMs: 300_000,
        reconcileIntervalMs: 30_000,
        concurrency: 4,
        leaseMs: 30_000,
        budgetMaxWaitMs: 5_000,
        shutdownTimeoutMs: 30_000,
        metricsPort: 9464,
      },
      backup: { schedule: { kind: 'cron', pattern: '0 2 * * *' }, keep: 14 },
      http: { host: '127.0.0.1', port: 8080, tls: undefined, trustedProxy: undefined, keyRatePerMinute: 600, sessionSecret: undefined, publicUrl: 'http://127.0.0.1:8080' },
    });
  });

  it('takes TLS files in pairs only, and checks the HTTP settings', () => {
    expect(() => loadConfig({ TALLY_HTTP_TLS_CERT: '/etc/tally/cert.pem' })).toThrow('TALLY_HTTP_TLS_KEY is not set, but TALLY_HTTP_TLS_CERT is');
    expect(loadConfig({ TALLY_HTTP_TLS_CERT: '/c.pem', TALLY_HTTP_TLS_KEY: '/k.pem' }).http.tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(() => loadConfig({ TALLY_HTTP_PORT: '80x' })).toThrow('TALLY_HTTP_PORT');
    expect(() => loadConfig({ TALLY_HTTP_TRUSTED_PROXY: 'proxy.example; rm' })).toThrow('TALLY_HTTP_TRUSTED_PROXY');
  });

  it('checks the dashboard settings: the public URL and the session secret, never echoing the secret', () => {
    expect(loadConfig({ TALLY_PUBLIC_URL: 'https://tally.example.com' }).http.publicUrl).toBe('https://tally.example.com');
    expect(loadConfig({ TALLY_HTTP_TLS_CERT: '/c.pem', TALLY_HTTP_TLS_KEY: '/k.pem', TALLY_HTTP_PORT: '8443' }).http.publicUrl).toBe('https://127.0.0.1:8443');
    expect(() => loadConfig({ TALLY_PUBLIC_URL: 'https://tally.example.com/' })).toThrow('TALLY_PUBLIC_URL');
    expect(() => loadConfig({ TALLY_PUBLIC_URL: 'ftp://tally.example.com' })).toThrow('TALLY_PUBLIC_URL');
    const short = errorOf({ TALLY_SESSION_SECRET: 'too-short-secret' });
    expect(short.message).toContain('TALLY_SESSION_SECRET must be at least 32 characters');
    expect(short.message).not.toContain('too-short-secret');
    expect(loadConfig({ TALLY_SESSION_SECRET: 'x'.repeat(40) }).http.sessionSecret).toBe('x'.repeat(40));
  });

  it('refuses a queue prefix with a colon, naming the variable', () => {
    expect(errorOf({ TALLY_QUEUE_PREFIX: 'a:b' }).message).toContain('TALLY_QUEUE_PREFIX must be 1 to 40 letters');
  });

  it('names a bad worker setting, with the fix', () => {
    const message = errorOf({ TALLY_LEASE_MS: '10', TALLY_QUEUE_PREFIX: 'a b' }).message;
    expect(message).toContain('TALLY_LEASE_MS');
    expect(message).toContain('lease');
    expect(message).toContain('TALLY_QUEUE_PREFIX');
  });

  it('names a Zendesk limit that is not a whole number, with the fix', () => {
    const message = errorOf({ TALLY_ZENDESK_EXPORT_RATE_LIMIT: 'ten' }).message;
    expect(message).toContain('TALLY_ZENDESK_EXPORT_RATE_LIMIT');
    expect(message).toContain('incremental-export limit');
  });

  it('refuses a share of the Zendesk limits above 0.95, naming the variable and the range', () => {
    const message = errorOf({ TALLY_ZENDESK_RATE_SHARE: '1' }).message;
    expect(message).toContain('TALLY_ZENDESK_RATE_SHARE');
    expect(message).toContain('from 0.5 to 0.95');
    expect(loadConfig({ TALLY_ZENDESK_RATE_SHARE: '0.8' }).zendeskLimits.share).toBe(0.8);
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.regions['us'])).toBe(true);
    expect(Object.isFrozen(config.regionIds)).toBe(true);
  });

  it('takes every production value from the environment and uses Google endpoints', () => {
    const config = loadConfig(production);
    expect(config.nodeEnv).toBe('production');
    expect(config.kmsEndpoint).toBeUndefined();
    expect(config.gcsEndpoint).toBeUndefined();
    expect(config.regions['eu']?.kmsKey).toEqual({
      kind: 'gcp',
      name: 'projects/p/locations/europe-west3/keyRings/r/cryptoKeys/k',
    });
  });

  it('names a missing production variable and says how to set it', () => {
    const env: Record<string, string> = { ...production };
    delete env['TALLY_EU_BUCKET'];
    expect(errorOf(env).message).toContain(
      'TALLY_EU_BUCKET is not set: set it to the Cloud Storage bucket of region eu (backups and exports).',
    );
  });

  it('gives the CONFIG_INVALID code', () => {
    expect(errorOf({ REDIS_URL: 'http://x' }).code).toBe('CONFIG_INVALID');
  });

  it('names a malformed variable with the expected form', () => {
    expect(errorOf({ REDIS_URL: 'localhost:6379' }).message).toContain(
      'REDIS_URL must be a redis:// or rediss:// URL: set it to the Redis that holds the job queues',
    );
  });

  it('lists every bad variable at once', () => {
    const message = errorOf({ TALLY_US_MONGODB_URI: 'postgres://x', TALLY_EU_BUCKET: 'Bad_Bucket!' }).message;
    expect(message).toContain('TALLY_US_MONGODB_URI must be a mongodb:// or mongodb+srv:// URI');
    expect(message).toContain('TALLY_EU_BUCKET must be a Cloud Storage bucket name');
  });

  it('never echoes a value, which may hold a password', () => {
    const message = errorOf({ ...production, TALLY_US_MONGODB_URI: 'mongo://tally:s3cret-password@host/db' }).message;
    expect(message).toContain('TALLY_US_MONGODB_URI');
    expect(message).not.toContain('s3cret-password');
  });

  it('refuses local key files in production', () => {
    expect(errorOf({ ...production, TALLY_US_KMS_KEY: 'local:/etc/tally/us.key' }).message).toContain(
      'TALLY_US_KMS_KEY names a local key file, which is refused when NODE_ENV=production',
    );
  });

  it('accepts local key files outside production', () => {
    expect(loadConfig({ TALLY_US_KMS_KEY: 'local:.data/us.key' }).regions['us']?.kmsKey).toEqual({
      kind: 'local',
      file: '.data/us.key',
    });
  });

  it('rejects a KMS key that is neither a key name nor local:FILE', () => {
    expect(errorOf({ TALLY_EU_KMS_KEY: 'projects/p/keyRings/r' }).message).toContain(
      'TALLY_EU_KMS_KEY must be a Cloud KMS key name projects/P/locations/L/keyRings/R/cryptoKeys/K, or local:FILE',
    );
  });

  it('requires the variables of a region it has no local defaults for', () => {
    const message = errorOf({ TALLY_REGIONS: 'us,eu,apac' }).message;
    expect(message).toContain('TALLY_APAC_MONGODB_URI is not set');
    expect(message).toContain('TALLY_APAC_KMS_KEY is not set');
    expect(message).toContain('TALLY_APAC_BUCKET is not set');
  });

  it('rejects a malformed or repeated region list', () => {
    expect(errorOf({ TALLY_REGIONS: 'us,US' }).message).toContain('TALLY_REGIONS a region id is 2 to 16 lower-case');
    expect(errorOf({ TALLY_REGIONS: 'us,us' }).message).toContain('TALLY_REGIONS names a region twice');
    expect(errorOf({ TALLY_REGIONS: ' , ' }).message).toContain('TALLY_REGIONS names no region');
  });

  it('rejects worker regions that are not configured regions', () => {
    expect(errorOf({ TALLY_WORKER_REGIONS: 'us,apac' }).message).toContain(
      'TALLY_WORKER_REGIONS names region apac, which TALLY_REGIONS does not list',
    );
  });

  it('serves only the worker regions it is given', () => {
    expect(loadConfig({ TALLY_WORKER_REGIONS: 'eu' }).workerRegions).toEqual(['eu']);
  });

  it('rejects an unknown NODE_ENV and log level', () => {
    const message = errorOf({ NODE_ENV: 'staging', TALLY_LOG_LEVEL: 'verbose' }).message;
    expect(message).toContain('NODE_ENV');
    expect(message).toContain('set it to development, test or production');
    expect(message).toContain('TALLY_LOG_LEVEL');
  });

  it('rejects an emulator endpoint that is not an http URL', () => {
    expect(errorOf({ TALLY_KMS_ENDPOINT: '127.0.0.1:9011' }).message).toContain(
      'TALLY_KMS_ENDPOINT must be an http:// or https:// URL',
    );
  });
});

describe('loadConfig in production: emulator endpoints (issue 15, item 10)', () => {
  it('refuses a plain-http KMS endpoint, naming TALLY_KMS_ENDPOINT', () => {
    const message = errorOf({ ...production, TALLY_KMS_ENDPOINT: 'http://kms.internal:9011' }).message;
    expect(message).toContain('TALLY_KMS_ENDPOINT names a Cloud KMS emulator, which is refused when NODE_ENV=production');
    expect(message).not.toContain('kms.internal');
  });

  it('refuses any KMS endpoint, https too: the client skips Google authentication for every endpoint it is given', () => {
    expect(errorOf({ ...production, TALLY_KMS_ENDPOINT: 'https://kms.internal' }).message).toContain('TALLY_KMS_ENDPOINT names a Cloud KMS emulator');
  });

  it('refuses a Cloud Storage emulator endpoint, naming TALLY_GCS_ENDPOINT', () => {
    const message = errorOf({ ...production, TALLY_GCS_ENDPOINT: 'http://fake-gcs:4443' }).message;
    expect(message).toContain('TALLY_GCS_ENDPOINT names a Cloud Storage emulator, which is refused when NODE_ENV=production');
    expect(message).not.toContain('fake-gcs');
  });

  it('keeps accepting emulator endpoints outside production', () => {
    const config = loadConfig({ NODE_ENV: 'test', TALLY_KMS_ENDPOINT: 'http://127.0.0.1:9', TALLY_GCS_ENDPOINT: 'http://127.0.0.1:8' });
    expect([config.kmsEndpoint, config.gcsEndpoint]).toEqual(['http://127.0.0.1:9', 'http://127.0.0.1:8']);
  });
});

describe('loadConfig: one MongoDB database per region (issue 15, item 8)', () => {
  it('refuses two regions on the same database, naming both variables and never the URIs', () => {
    const message = errorOf({
      ...production,
      TALLY_US_MONGODB_URI: 'mongodb://tally:s3cret-password@db1.example.net:27017,db2.example.net/tally?replicaSet=rs0',
      TALLY_EU_MONGODB_URI: 'mongodb://other:pw2@DB2.example.net:27017,db1.example.net:27017/tally?authSource=admin',
    }).message;
    expect(message).toContain('TALLY_US_MONGODB_URI and TALLY_EU_MONGODB_URI name the same MongoDB database');
    expect(message).not.toContain('s3cret-password');
    expect(message).not.toContain('example.net');
  });

  it('treats a URI without a database name as the driver does (database test)', () => {
    expect(errorOf({ TALLY_US_MONGODB_URI: 'mongodb://127.0.0.1:27017/?directConnection=true', TALLY_EU_MONGODB_URI: 'mongodb://127.0.0.1/test' }).message).toContain(
      'TALLY_US_MONGODB_URI and TALLY_EU_MONGODB_URI name the same MongoDB database',
    );
  });

  it('refuses the same SRV record and database', () => {
    expect(errorOf({ ...production, TALLY_EU_MONGODB_URI: 'mongodb+srv://x:y@US.example.net/tally?retryWrites=true' }).message).toContain(
      'TALLY_US_MONGODB_URI and TALLY_EU_MONGODB_URI name the same MongoDB database',
    );
  });

  it('accepts one server with a database per region, and the same database name on different servers', () => {
    expect(loadConfig({ TALLY_US_MONGODB_URI: 'mongodb://127.0.0.1/tally_us', TALLY_EU_MONGODB_URI: 'mongodb://127.0.0.1/tally_eu' }).regionIds).toEqual(['us', 'eu']);
    expect(loadConfig(production).regionIds).toEqual(['us', 'eu']);
  });
});

describe('loadConfig: numbers are plain decimals (issue 15, item 14)', () => {
  it.each([
    ['TALLY_LEASE_MS', '0x3E8'],
    ['TALLY_ZENDESK_RATE_LIMIT', '0x1F4'],
    ['TALLY_WORKER_CONCURRENCY', '0b11'],
    ['TALLY_SYNC_INTERVAL_MS', '3e5'],
    ['TALLY_METRICS_PORT', '0o17'],
    ['TALLY_BUDGET_MAX_WAIT_MS', 'Infinity'],
    ['TALLY_ZENDESK_RATE_SHARE', '0x1'],
    ['TALLY_ZENDESK_RATE_SHARE', '8e-1'],
  ])('refuses %s=%s, naming the variable and the form, never the value', (name, value) => {
    const message = errorOf({ [name]: value }).message;
    expect(message).toContain(`${name} must be a decimal number`);
    expect(message).not.toContain(value);
  });

  it('still reads plain decimals', () => {
    const config = loadConfig({ TALLY_LEASE_MS: '1000', TALLY_ZENDESK_RATE_LIMIT: '500', TALLY_ZENDESK_RATE_SHARE: '0.8', TALLY_METRICS_PORT: '0' });
    expect(config.jobs.leaseMs).toBe(1000);
    expect(config.zendeskLimits.accountPerMinute).toBe(500);
    expect(config.zendeskLimits.share).toBe(0.8);
    expect(config.jobs.metricsPort).toBe(0);
  });
});

describe('loadConfig: the Zendesk body cap (issue 15, item 11)', () => {
  it('defaults to 32 MB and takes TALLY_ZENDESK_MAX_BODY_MB', () => {
    expect(loadConfig({}).zendeskMaxBodyBytes).toBe(32 * 1024 * 1024);
    expect(loadConfig({ TALLY_ZENDESK_MAX_BODY_MB: '64' }).zendeskMaxBodyBytes).toBe(64 * 1024 * 1024);
  });

  it.each(['0', '2048', '1.5', '0x20'])('refuses TALLY_ZENDESK_MAX_BODY_MB=%s, with the fix', (value) => {
    const message = errorOf({ TALLY_ZENDESK_MAX_BODY_MB: value }).message;
    expect(message).toContain('TALLY_ZENDESK_MAX_BODY_MB');
    expect(message).toContain('1 to 1024');
  });
});

describe('loadConfig: the backup schedule and retention (docs/backup.md)', () => {
  it('backs up daily at 02:00 UTC and keeps 14 unless told otherwise', () => {
    expect(loadConfig({}).backup).toEqual({ schedule: { kind: 'cron', pattern: '0 2 * * *' }, keep: 14 });
    expect(loadConfig({ TALLY_BACKUP_CRON: ' 30 */6 * * * ', TALLY_BACKUP_KEEP: '30' }).backup).toEqual({ schedule: { kind: 'cron', pattern: '30 */6 * * *' }, keep: 30 });
    expect(loadConfig({ TALLY_BACKUP_INTERVAL_MS: '3600000' }).backup.schedule).toEqual({ kind: 'every', ms: 3_600_000 });
  });

  it.each(['61 * * * *', '0 2 * *', '0 2 * * * *', 'daily', '@daily'])('refuses TALLY_BACKUP_CRON=%s, naming the form', (value) => {
    const message = errorOf({ TALLY_BACKUP_CRON: value }).message;
    expect(message).toContain('TALLY_BACKUP_CRON must be a cron expression of five fields');
  });

  it('refuses both a cron and an interval, an interval under a minute, and keeping none', () => {
    expect(errorOf({ TALLY_BACKUP_CRON: '0 2 * * *', TALLY_BACKUP_INTERVAL_MS: '3600000' }).message).toContain('TALLY_BACKUP_CRON and TALLY_BACKUP_INTERVAL_MS are both set');
    expect(errorOf({ TALLY_BACKUP_INTERVAL_MS: '1000' }).message).toContain('TALLY_BACKUP_INTERVAL_MS');
    expect(errorOf({ TALLY_BACKUP_KEEP: '0' }).message).toContain('TALLY_BACKUP_KEEP');
  });
});
