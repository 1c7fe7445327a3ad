/**
 * The operations view as Prometheus metrics, read fresh on every scrape, served on
 * a loopback port only. Labels are region, tenant id, stream, queue and error code:
 * never names or emails.
 */
import { createServer, type Server } from 'node:http';
import { AppError } from '../src/shared/errors.js';
import { Gauge, Registry } from 'prom-client';
import type { OperationsView } from './operations-view.js';

export function createMetricsRegistry(read: () => Promise<OperationsView>): Registry {
  const registry = new Registry();
  let pending: Promise<OperationsView> | null = null;
  // One read per scrape, shared by every gauge's collect().
  const view = () => (pending ??= read().finally(() => setTimeout(() => (pending = null), 0)));
  const streamLabels = ['region', 'tenant', 'stream'] as const;
  new Gauge({
    name: 'tally_sync_lag_seconds',
    help: 'Now minus what the stream has reached in Zendesk (its checkpoint)',
    labelNames: streamLabels,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await view()).streams) {
        if (row.lagSeconds !== null) this.set({ region: row.region, tenant: row.tenantId, stream: row.stream }, row.lagSeconds);
      }
    },
  });
  new Gauge({
    name: 'tally_sync_last_success_timestamp_seconds',
    help: 'When the stream last synced without error',
    labelNames: streamLabels,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await view()).streams) {
        if (row.lastSuccessAt !== null) this.set({ region: row.region, tenant: row.tenantId, stream: row.stream }, row.lastSuccessAt / 1000);
      }
    },
  });
  new Gauge({
    name: 'tally_sync_last_error',
    help: 'The code of the last error of the stream (value 1)',
    labelNames: [...streamLabels, 'code'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await view()).streams) {
        if (row.lastErrorCode !== null) this.set({ region: row.region, tenant: row.tenantId, stream: row.stream, code: row.lastErrorCode }, 1);
      }
    },
  });
  new Gauge({
    name: 'tally_tenant_auth_failed',
    help: '1 when Zendesk refused the tenant credentials and its syncs stopped',
    labelNames: ['region', 'tenant'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await view()).streams) this.set({ region: row.region, tenant: row.tenantId }, row.tenantStatus === 'auth_failed' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tally_zendesk_rate_limited_last_hour',
    help: '429 answers from the tenant account in the last hour',
    labelNames: ['region', 'tenant'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await view()).streams) this.set({ region: row.region, tenant: row.tenantId }, row.rateLimitedLastHour);
    },
  });
  new Gauge({
    name: 'tally_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['region', 'queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const depth of (await view()).queues) {
        for (const [state, count] of Object.entries(depth.counts)) this.set({ region: depth.region, queue: depth.queue, state }, count);
      }
    },
  });
  return registry;
}

/** Serves GET /metrics on 127.0.0.1; resolves with the bound port (0 picks one). */
export function serveMetrics(registry: Registry, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry
      .metrics()
      .then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text))
      .catch(() => res.writeHead(500).end('metrics unavailable\n'));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') return reject(error);
      const why = error.code === 'EADDRINUSE' ? 'is already in use (another tally worker on this host?)' : 'may not be bound by this user';
      reject(
        new AppError(
          'METRICS_PORT_UNAVAILABLE',
          `TALLY_METRICS_PORT ${port} on 127.0.0.1 ${why}: give each worker on this host its own TALLY_METRICS_PORT, or 0 for any free port`,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : port });
    });
  });
}
