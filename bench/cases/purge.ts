/**
 * Item 6a: how long a purge of one agent with 100,000 facts takes (request, suppress,
 * count, delete, shred, verify, audit), next to other agents of the tenant, on the
 * bench's database server: bench/purge.ts in its own process, each run on a new tenant.
 */
import { runChild } from '../lib/child.js';
import type { BenchCase } from '../lib/context.js';
import { summarise } from '../lib/stats.js';

const FACTS = 100_000;

export const purgeCase: BenchCase = {
  name: 'purge',
  async run(context) {
    const host = new URL(context.mongoUrl).host;
    const result = await runChild<{ facts: number; others: number; purgeMs: number[]; seedMs: number[] }>('bench/purge.ts', [
      '--facts', String(FACTS), '--runs', String(context.runs), '--host', host, '--json',
    ]);
    context.log(`purge: ${result.purgeMs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s (seeding ${result.seedMs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s)`);
    return [
      {
        case: 'purge',
        name: 'purge of one agent',
        unit: 's',
        summary: summarise(result.purgeMs.map((ms) => ms / 1000)),
        note: `${result.facts} facts of the agent, ${result.others} other agents with 2,000 each in the tenant; request to verified receipt`,
      },
    ];
  },
};
