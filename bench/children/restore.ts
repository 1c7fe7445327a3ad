/**
 * `tally backup restore` in-process: checks every chunk, writes, makes the indexes and
 * re-applies the ledger, timed without the process start.
 * Usage: tsx bench/children/restore.ts --backup ID --into MONGODB_URI
 */
import { parseArgs } from 'node:util';
import { withCliRoot } from '../../src/app/cli-root.js';
import { report } from '../lib/child.js';

const { values } = parseArgs({ options: { backup: { type: 'string' }, into: { type: 'string' } } });

await withCliRoot({ actor: 'bench' }, async ({ useCases }) => {
  const started = performance.now();
  const receipt = await useCases.backup.restore('us', values.backup, values.into);
  report({ seconds: (performance.now() - started) / 1000, facts: receipt.collections['facts'] ?? 0, reapplied: receipt.reapplied });
});
