/**
 * Many tenants per worker: one process backfilling `TENANTS` tenants at once against
 * one process backfilling one, at the 7k size, each run into a fresh database
 * (bench/children/tenants.ts). Reports the aggregate throughput of both, their ratio,
 * and how far the slowest tenant trails the median (starvation).
 */
import { regionEnv, runChild } from '../lib/child.js';
import type { BenchCase, Measurement } from '../lib/context.js';
import { summarise } from '../lib/stats.js';
import { LIMITS_OFF } from './backfill.js';

const TENANTS = 10;
const MB = 1024 * 1024;

interface TenantsResult {
  seconds: number;
  maxRssBytes: number;
  tenants: { id: string; seconds: number; failed: string[] }[];
}

export const tenantsCase: BenchCase = {
  name: 'tenants',
  async run(context) {
    // The largest size of the run up to 7k: ten of them are what one worker holds in this machine's memory and time.
    const size = [...context.sizes].reverse().find((candidate) => candidate.world.ticketsPerDay <= 10) ?? context.sizes[0];
    if (!size) throw new Error('the tenants case needs a size');
    const simulator = await context.simulator(size);
    const once = async (tenants: number, run: number): Promise<TenantsResult> => {
      const databaseUri = context.freshDatabase(`tenants_${tenants}_${run}`);
      const result = await runChild<TenantsResult>(
        'bench/children/tenants.ts',
        ['--url', simulator.url, '--email', simulator.email, '--token', simulator.token, '--sync-start', context.syncStart(size), '--tenants', String(tenants)],
        { ...LIMITS_OFF, ...regionEnv(databaseUri) },
      );
      await context.drop(databaseUri);
      const failed = result.tenants.filter((tenant) => tenant.failed.length > 0);
      if (failed.length > 0) throw new Error(`${tenants} tenants run ${run}: streams not done: ${JSON.stringify(failed)}`);
      context.log(
        `${tenants} tenant(s) run ${run}: ${tenants * simulator.ticketEvents} ticket events in ${result.seconds.toFixed(1)} s, ` +
          `tenants ${result.tenants.map((tenant) => tenant.seconds.toFixed(1)).join(' ')} s, peak RSS ${Math.round(result.maxRssBytes / MB)} MB`,
      );
      return result;
    };
    const single: number[] = [];
    const many: number[] = [];
    const ratios: number[] = [];
    const starvation: number[] = [];
    const rss: number[] = [];
    for (let run = 1; run <= context.runs; run++) {
      const one = await once(1, run);
      const ten = await once(TENANTS, run);
      const oneRate = simulator.ticketEvents / one.seconds;
      const tenRate = (TENANTS * simulator.ticketEvents) / ten.seconds;
      single.push(oneRate);
      many.push(tenRate);
      ratios.push(tenRate / oneRate);
      const times = summarise(ten.tenants.map((tenant) => tenant.seconds));
      starvation.push(times.max / times.median);
      rss.push(ten.maxRssBytes / MB);
    }
    const note = `${simulator.ticketEvents} ticket events per tenant, each tenant's full backfill (all streams)`;
    return [
      { case: 'tenants', name: 'one tenant in one process: throughput', size: size.label, unit: 'ticket events/s', summary: summarise(single), note },
      { case: 'tenants', name: `${TENANTS} tenants at once in one process: aggregate throughput`, size: size.label, unit: 'ticket events/s', summary: summarise(many), note },
      { case: 'tenants', name: `${TENANTS} tenants against one: aggregate throughput ratio`, size: size.label, unit: '×', summary: summarise(ratios), note: 'per run: aggregate of ten / one alone' },
      {
        case: 'tenants',
        name: `${TENANTS} tenants: slowest tenant's time over the median tenant's`,
        size: size.label,
        unit: '×',
        summary: summarise(starvation),
        note: 'per run; 1 means no tenant waited on the others',
      },
      { case: 'tenants', name: `${TENANTS} tenants: process peak RSS`, size: size.label, unit: 'MB', summary: summarise(rss) },
    ] satisfies Measurement[];
  },
};
