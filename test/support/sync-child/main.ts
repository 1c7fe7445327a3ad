/**
 * Runs some streams of one tenant once, concurrently, in a process of its own, as the
 * worker's jobs do: `tsx test/support/sync-child/main.ts TENANT STREAM[,STREAM…] PER_PAGE`.
 * Config comes from the environment (the test's databases, KMS double, Redis and queue
 * prefix), so two of these share the tenant's locks exactly as two workers do. It holds
 * no stream lease: two of them running ticket_events at once are two workers after a
 * lease lapsed (a stalled holder still writing while another took over).
 * Prints one JSON line with each stream's report, and exits 1 on a failure.
 */
import { Redis } from 'ioredis';
import { StreamSchema } from '../../../schemas/records.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { createKeyWrapper } from '../../../src/crypto/create-key-wrapper.js';
import { createKmsClient } from '../../../src/crypto/create-kms-client.js';
import { TenantKeyring } from '../../../src/crypto/tenant-keyring.js';
import { StaffDirectory } from '../../../src/ingest/staff-directory.js';
import { syncStream } from '../../../src/ingest/sync-stream.js';
import { redisSyncLocks } from '../../../src/ingest/tenant-lock.js';
import { RegionRouter } from '../../../src/store/mongo/region-router.js';
import { RequestBudget, ZENDESK_LIMITS } from '../../../src/zendesk/request-budget.js';
import { ZendeskClient } from '../../../src/zendesk/zendesk-client.js';

const [tenantId, streamList, perPage] = process.argv.slice(2);
if (!tenantId || !streamList || !perPage) throw new Error('usage: main.ts TENANT STREAM[,STREAM…] PER_PAGE');
const streams = streamList.split(',').map((stream) => StreamSchema.parse(stream));

const config = loadConfig();
const router = await RegionRouter.connect(config);
const kms = createKmsClient(config.kmsEndpoint);
const redis = new Redis(config.redisUrl);
try {
  const region = await router.regionOf(tenantId);
  const regionConfig = region === null ? undefined : config.regions[region];
  if (region === null || !regionConfig) throw new Error(`no tenant ${tenantId}`);
  const database = router.region(region);
  const tenant = await database.tenants.find(tenantId);
  if (!tenant) throw new Error(`no tenant ${tenantId}`);
  const keyring = new TenantKeyring(database.keys, createKeyWrapper(regionConfig.kmsKey, () => kms));
  const client = new ZendeskClient({
    rootUrl: tenant.zendeskUrl,
    email: await keyring.openCredential(tenant._id, 'email', tenant.credentials.email),
    token: await keyring.openCredential(tenant._id, 'token', tenant.credentials.token),
    budget: new RequestBudget(redis, `${config.queuePrefix}:budget:${tenantId}:${process.pid}`, {
      ...ZENDESK_LIMITS,
      accountPerMinute: 1_000_000,
      exportPerMinute: 1_000_000,
      usersExportPerMinute: 1_000_000,
    }),
    minRetryDelayMs: 5,
    maxRetryDelayMs: 50,
  });
  const context = {
    tenant,
    database,
    keyring,
    client,
    staff: new StaffDirectory(client, await database.agents.ids(tenantId)),
    locks: redisSyncLocks(redis, config.queuePrefix),
    now: () => new Date(),
    ticketEventsPerPage: Number(perPage),
  };
  const reports = await Promise.all(streams.map((stream) => syncStream(context, stream)));
  console.log(JSON.stringify(reports));
} finally {
  await redis.quit();
  await kms.close();
  await router.close();
}
