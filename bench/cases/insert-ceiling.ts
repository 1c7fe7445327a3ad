/**
 * Item 2b: the database's ceiling. The documents each backfill stored (agents,
 * tickets, facts, daily buckets), inserted again, pre-built, with unordered bulk
 * inserts of 1,000 into a fresh database with the same indexes. End-to-end
 * throughput is reported as a fraction of it, run by run.
 */
import { runChild } from '../lib/child.js';
import type { BenchCase, Measurement } from '../lib/context.js';
import { summarise } from '../lib/stats.js';

interface InsertResult {
  seconds: number;
  documents: Record<string, number>;
}

export const insertCeilingCase: BenchCase = {
  name: 'insert-ceiling',
  async run(context) {
    const measurements: Measurement[] = [];
    for (const size of context.sizes) {
      const backfills = context.backfills.filter((backfill) => backfill.size === size);
      if (backfills.length === 0) continue;
      const rates: number[] = [];
      const fractions: number[] = [];
      let documents = 0;
      for (const backfill of backfills) {
        const target = context.freshDatabase(`insert_${size.label}_${backfill.run}`);
        const result = await runChild<InsertResult>('bench/children/insert.ts', ['--source', backfill.databaseUri, '--target', target]);
        await context.drop(target);
        documents = Object.values(result.documents).reduce((sum, count) => sum + count, 0);
        rates.push(backfill.ticketEvents / result.seconds);
        fractions.push(result.seconds / backfill.seconds);
        context.log(`insert ceiling ${size.label} run ${backfill.run}: ${documents} documents in ${result.seconds.toFixed(1)} s`);
      }
      measurements.push(
        {
          case: 'insert-ceiling',
          name: 'ceiling (b): database bulk-inserting the stored documents',
          size: size.label,
          unit: 'ticket events/s',
          summary: summarise(rates),
          note: `${documents} documents (agents, tickets, facts, daily), unordered insertMany of 1,000`,
        },
        {
          case: 'insert-ceiling',
          name: 'end-to-end as a fraction of ceiling (b)',
          size: size.label,
          unit: 'fraction',
          summary: summarise(fractions),
          note: 'per run: insert time / backfill time',
        },
      );
    }
    return measurements;
  },
};
