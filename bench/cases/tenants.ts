/**
 * Many tenants per worker: one process backfilling `TENANTS` tenants at once against
 * one process backfilling one, at the 7k size, each run into a fresh database
 * (bench/children/tenants.ts). Reports the aggregate throughput of both, their ratio,
 * and how far the slowest tenant trails the median (starvation).
 */
import { cpus } from 'node:os';
import { regionEnv, runChild } from '../lib/child.js';
import type { BenchCase, Measurement } from '../lib/context.js';
import { summarise } from '../lib/stats.js';
import { LIMITS_OFF } from './backfill.js';

const TENANTS = 10;
const MB = 1024 * 1024;

/** The machine's CPU time so far, busy and in all, over every core (ms): the database runs here too. */
function machineCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

interface TenantsResult {
  seconds: number;
  maxRssBytes: number;
  tenants: { id: string; seconds: number; failed: string[] }[];
  /** Share of the machine's CPU in use while the run ran (this process, its child, FerretDB, PostgreSQL, the simulator). */
  machineBusy: number;
}

export const tenantsCase: BenchCase = {
  name: 'tenants',
  async run(context) {
    // The largest size of the run up to 7k: ten of them are what one worker holds in this machine's memory and time.
    const size = [...context.sizes].reverse().find((candidate) => candidate.world.ticketsPerDay <= 10);
    if (!size) {
      context.log('tenants: no size of this run has 10 tickets a day or fewer (ten of a larger one take too long); skipped');
      return [];
    }
    const simulator = await context.simulator(size);
    const once = async (tenants: number, run: number): Promise<TenantsResult> => {
      const databaseUri = context.freshDatabase(`tenants_${tenants}_${run}`);
      const before = machineCpu();
      const result = await runChild<Omit<TenantsResult, 'machineBusy'>>(
        'bench/children/tenants.ts',
        ['--url', simulator.url, '--email', simulator.email, '--token', simulator.token, '--sync-start', context.syncStart(size), '--tenants', String(tenants)],
        { ...LIMITS_OFF, ...regionEnv(databaseUri) },
      );
      const after = machineCpu();
      const machineBusy = (after.busy - before.busy) / (after.total - before.total);
      await context.drop(databaseUri);
      const failed = result.tenants.filter((tenant) => tenant.failed.length > 0);
      if (failed.length > 0) throw new Error(`${tenants} tenants run ${run}: streams not done: ${JSON.stringify(failed)}`);
      context.log(
        `${tenants} tenant(s) run ${run}: ${tenants * simulator.ticketEvents} ticket events in ${result.seconds.toFixed(1)} s, ` +
          `tenants ${result.tenants.map((tenant) => tenant.seconds.toFixed(1)).join(' ')} s, peak RSS ${Math.round(result.maxRssBytes / MB)} MB, ` +
          `machine CPU ${(machineBusy * 100).toFixed(0)}% busy`,
      );
      return { ...result, machineBusy };
    };
    const single: number[] = [];
    const many: number[] = [];
    const ratios: number[] = [];
    const starvation: number[] = [];
    const rss: number[] = [];
    const busyOne: number[] = [];
    const busyTen: number[] = [];
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
      busyOne.push(one.machineBusy * 100);
      busyTen.push(ten.machineBusy * 100);
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
      {
        case: 'tenants',
        name: 'one tenant: machine CPU busy',
        size: size.label,
        unit: '%',
        summary: summarise(busyOne),
        note: `all cores, the database's included: ten at once can be at most 100/this times faster (${cpus().length} cores here)`,
      },
      { case: 'tenants', name: `${TENANTS} tenants: machine CPU busy`, size: size.label, unit: '%', summary: summarise(busyTen) },
    ] satisfies Measurement[];
  },
};
