/**
 * `tally backup run` in-process: the region's backup use case, timed without the process
 * start; the database, key and bucket come from the environment (TALLY_US_*).
 * Usage: tsx bench/children/backup.ts
 */
import { withCliRoot } from '../../src/app/cli-root.js';
import { report } from '../lib/child.js';

await withCliRoot({ actor: 'bench' }, async ({ useCases }) => {
  const started = performance.now();
  const receipt = await useCases.backup.run('us');
  report({ seconds: (performance.now() - started) / 1000, backupId: receipt.backupId, dataBytes: receipt.dataBytes, rawBytes: receipt.rawBytes, facts: receipt.collections['facts'] ?? 0, chunks: receipt.chunks });
});
