/**
 * `tally metrics`' work in-process: readMetrics (sum the daily buckets over the range,
 * decrypt names and emails, append the audit entry) and the table, timed alone,
 * without the process start. The database comes from TALLY_US_MONGODB_URI.
 * Usage: tsx bench/children/metrics.ts --tenant bench --from YYYY-MM-DD --to YYYY-MM-DD
 */
import { parseArgs } from 'node:util';
import { withCliRoot } from '../../src/app/cli-root.js';
import { metricsTable } from '../../src/cli/commands/metrics.js';
import { report } from '../lib/child.js';

const { values } = parseArgs({ options: { tenant: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } });

// As the metrics command does: the KMS client is made while the database connects.
await withCliRoot({ actor: 'bench', decrypts: true }, async ({ adapters: context, useCases }) => {
  const started = performance.now();
  const metrics = await useCases.readMetrics({ tenant: values.tenant, from: values.from, to: values.to });
  metricsTable(metrics);
  const seconds = (performance.now() - started) / 1000;
  const buckets = await context.router
    .region('us')
    .db.collection('daily')
    .countDocuments({ tenantId: values.tenant, day: { $gte: values.from, $lte: values.to } });
  report({ seconds, agents: metrics.agents.length, buckets });
});
