/**
 * Many tenants' first backfills at once in one process: adds `--tenants` tenants for
 * the simulated account (not timed), then runs every tenant's sync concurrently through
 * `runTenantSync`, the code each of the worker's sync jobs runs, into one database.
 * Tenants are independent (Zendesk's export limit is per account; rate limits are out
 * of reach here, as in the backfill case), so what they share is this process and the
 * database. Reports each tenant's wall time and the whole run's.
 * Usage: tsx bench/children/tenants.ts --url U --email E --token T --sync-start YYYY-MM-DD --tenants N
 */
import { parseArgs } from 'node:util';
import type { StoredTenant } from '../../schemas/records.js';
import { withCliRoot } from '../../src/app/cli-root.js';
import { runTenantSync } from '../../src/ingest/run-tenant-sync.js';
import { addTenant } from '../../src/tenants/add-tenant.js';
import { verifyZendeskCredentials } from '../../src/zendesk/verify-credentials.js';
import { report, trackHeapPeak } from '../lib/child.js';

const { values } = parseArgs({
  options: { url: { type: 'string' }, email: { type: 'string' }, token: { type: 'string' }, 'sync-start': { type: 'string' }, tenants: { type: 'string', default: '1' } },
});
const count = Number(values.tenants);
if (!Number.isInteger(count) || count < 1) throw new Error('--tenants must be a positive whole number');

await withCliRoot({ actor: 'bench' }, async ({ adapters: context }) => {
  const ids = Array.from({ length: count }, (_, index) => `bench-${index + 1}`);
  for (const id of ids) {
    await addTenant(
      { router: context.router, keyring: context.keyring, verify: verifyZendeskCredentials, now: () => new Date() },
      { id, region: 'us', timeZone: 'UTC', zendeskUrl: values.url, zendeskEmail: values.email, zendeskToken: values.token, syncStart: values['sync-start'], verify: true },
    );
  }
  const database = context.router.region('us');
  const heap = trackHeapPeak();
  const started = performance.now();
  const tenants = await Promise.all(
    ids.map(async (id) => {
      const tenant = (await database.tenants.find(id)) as StoredTenant;
      const streams = await runTenantSync({ ports: context.sync(), database, keyring: context.keyring('us'), tenant });
      const failed = streams.filter((stream) => stream.status !== 'done').map((stream) => `${stream.stream}: ${stream.status}`);
      return { id, seconds: (performance.now() - started) / 1000, failed, read: streams.reduce((sum, stream) => sum + stream.read, 0) };
    }),
  );
  report({ seconds: (performance.now() - started) / 1000, maxHeapBytes: heap.peakBytes(), tenants });
});
