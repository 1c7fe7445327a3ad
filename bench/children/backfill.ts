/**
 * One end-to-end backfill in its own process: adds a tenant for the simulated account
 * (not timed), then runs every stream until caught up through `runTenantSync`, the
 * code path of `tally sync --once` (real client, validation, minimisation,
 * encryption, database writes, aggregation). The database comes from the
 * environment (TALLY_US_MONGODB_URI), fresh for each run.
 * Usage: tsx bench/children/backfill.ts --url U --email E --token T --sync-start YYYY-MM-DD
 */
import { parseArgs } from 'node:util';
import type { StoredTenant } from '../../schemas/records.js';
import { withCliRoot } from '../../src/app/cli-root.js';
import { runTenantSync } from '../../src/ingest/run-tenant-sync.js';
import { addTenant } from '../../src/tenants/add-tenant.js';
import { verifyZendeskCredentials } from '../../src/zendesk/verify-credentials.js';
import { report, trackHeapPeak } from '../lib/child.js';

const { values } = parseArgs({
  options: { url: { type: 'string' }, email: { type: 'string' }, token: { type: 'string' }, 'sync-start': { type: 'string' } },
});

await withCliRoot({ actor: 'bench' }, async ({ adapters: context }) => {
  await addTenant(
    { router: context.router, keyring: context.keyring, verify: verifyZendeskCredentials, now: () => new Date() },
    {
      id: 'bench',
      region: 'us',
      timeZone: 'UTC',
      zendeskUrl: values.url,
      zendeskEmail: values.email,
      zendeskToken: values.token,
      syncStart: values['sync-start'],
      verify: true,
    },
  );
  const database = context.router.region('us');
  const tenant = (await database.tenants.find('bench')) as StoredTenant;
  const rssBeforeSyncBytes = process.memoryUsage().rss;
  const heap = trackHeapPeak();
  const started = performance.now();
  // Seconds per stream, from the progress callback (a stream starts when its first progress arrives).
  const streamSeconds: Record<string, number> = {};
  let current: { stream: string; at: number } | null = null;
  const streams = await runTenantSync({
    ports: context.sync(),
    database,
    keyring: context.keyring('us'),
    tenant,
    onProgress: (counts) => {
      if (current?.stream === counts.stream) return;
      const at = performance.now();
      if (current) streamSeconds[current.stream] = (at - current.at) / 1000;
      current = { stream: counts.stream, at };
    },
  });
  const seconds = (performance.now() - started) / 1000;
  if (current) streamSeconds[(current as { stream: string }).stream] = (performance.now() - (current as { at: number }).at) / 1000;
  const documents: Record<string, number> = {};
  for (const name of ['agents', 'tickets', 'facts', 'daily']) documents[name] = await database.db.collection(name).countDocuments({});
  report({
    seconds,
    rssBeforeSyncBytes,
    maxHeapBytes: heap.peakBytes(),
    documents,
    streams: streams.map((s) => ({ seconds: streamSeconds[s.stream] ?? 0, stream: s.stream, status: s.status, pages: s.pages, read: s.read, stored: s.stored, requests: s.requests, rateLimited: s.rateLimited })),
  });
});
