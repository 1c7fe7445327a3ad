/**
 * Item 4: rate-limit use. A backfill against a simulator at Zendesk's real limits
 * (700 requests/min account-wide, 10/min incremental exports, 20/min the users
 * cursor export) with time sped up, tally's minute shortened to match
 * (TALLY_ZENDESK_MINUTE_MS). From the simulator's own request log: requests per
 * (simulated) minute while each limit applied, as a fraction of that limit, and the
 * 429s sent. A fresh simulator per run, so every run starts with full windows.
 */
import { regionEnv, runChild } from '../lib/child.js';
import type { BenchCase } from '../lib/context.js';
import { type RequestLogEntry, startSimulator, type WorldSize } from '../lib/simulator.js';
import { ZENDESK_LIMITS } from '../../src/zendesk/request-budget.js';
import { summarise } from '../lib/stats.js';
import type { BackfillResult } from './backfill.js';

/**
 * Time runs 5x: an export may then go every 1.26 s, longer than tally takes to store a
 * page of 1,000 ticket events on FerretDB here, so the budget sets the pace as it does
 * at Zendesk's real speed (every 6.3 s); at 10x FerretDB's store time set it instead.
 */
export const RATE_LIMIT_SPEED = 5;
const WORLD: WorldSize = { agents: 25, days: 7, ticketsPerDay: 40 };
const LIMITS = { account: 700, export: 10, usersExport: 20 };
const EXPORTS = new Set(['ticket_events', 'tickets_cursor', 'ticket_metric_events']);

/** Requests per minute from the first to the last request of the list (n − 1 intervals). */
function perMinute(entries: readonly RequestLogEntry[], minuteMs: number): number {
  const first = entries[0];
  const last = entries.at(-1);
  if (!first || !last || entries.length < 2 || last.startedAt === first.startedAt) return 0;
  return (entries.length - 1) / ((last.startedAt - first.startedAt) / minuteMs);
}

export const rateLimitCase: BenchCase = {
  name: 'rate-limits',
  async run(context) {
    const minuteMs = 60_000 / RATE_LIMIT_SPEED;
    const exportUse: number[] = [];
    const accountUse: number[] = [];
    const exportRates: number[] = [];
    const steadyUse: number[] = [];
    const throttled: number[] = [];
    const minutes: number[] = [];
    let requestCount = 0;
    for (let run = 1; run <= context.runs; run++) {
      const simulator = await startSimulator(WORLD, { ...LIMITS, speed: RATE_LIMIT_SPEED }, 7);
      try {
        const syncStart = new Date(Date.now() - (WORLD.days + 1) * 86_400_000).toISOString().slice(0, 10);
        const databaseUri = context.freshDatabase(`ratelimit_${run}`);
        const result = await runChild<BackfillResult>(
          'bench/children/backfill.ts',
          ['--url', simulator.url, '--email', simulator.email, '--token', simulator.token, '--sync-start', syncStart],
          { ...regionEnv(databaseUri), TALLY_ZENDESK_MINUTE_MS: String(minuteMs) },
        );
        await context.drop(databaseUri);
        const log = (await simulator.requests()).filter((entry) => entry.endpoint !== null).sort((a, b) => a.startedAt - b.startedAt);
        const exports = log.filter((entry) => EXPORTS.has(entry.endpoint ?? ''));
        const exportRate = perMinute(exports, minuteMs);
        exportRates.push(exportRate);
        exportUse.push(exportRate / LIMITS.export);
        steadyUse.push(perMinute(log.filter((entry) => entry.endpoint === 'ticket_metric_events'), minuteMs) / LIMITS.export);
        accountUse.push(perMinute(log, minuteMs) / LIMITS.account);
        throttled.push(log.filter((entry) => entry.status === 429).length);
        minutes.push(result.seconds / (minuteMs / 1000));
        requestCount = log.length;
        context.log(
          `rate limits run ${run}: ${log.length} requests (${exports.length} exports) in ${result.seconds.toFixed(1)} s = ${(result.seconds / (minuteMs / 1000)).toFixed(1)} Zendesk minutes; ` +
            `exports ${exportRate.toFixed(2)}/min of ${LIMITS.export}; 429s ${throttled.at(-1)}`,
        );
      } finally {
        await simulator.stop();
      }
    }
    const scope = `simulator at ${LIMITS.account}/min account-wide, ${LIMITS.export}/min exports, ${LIMITS.usersExport}/min users export, ${RATE_LIMIT_SPEED}x speed; ${requestCount} requests per sync`;
    return [
      { case: 'rate-limits', name: 'incremental exports: requests per minute achieved', unit: 'req/min', summary: summarise(exportRates), note: `limit ${LIMITS.export}/min; tally budgets ${Math.round(ZENDESK_LIMITS.share * 100)}% of each limit` },
      { case: 'rate-limits', name: 'incremental exports: fraction of the allowed rate', unit: 'fraction', summary: summarise(exportUse), note: `first to last export request; ${scope}` },
      {
        case: 'rate-limits',
        name: 'incremental exports, metric events phase: fraction of the allowed rate',
        unit: 'fraction',
        summary: summarise(steadyUse),
        note: 'the longest export phase (pages of 100, cheap to store), where the budget rather than tally sets the pace',
      },
      { case: 'rate-limits', name: 'account-wide: fraction of the allowed rate (whole sync)', unit: 'fraction', summary: summarise(accountUse), note: 'a single tenant sync is bound by the export limit, not the account-wide one' },
      { case: 'rate-limits', name: '429 responses received', unit: 'count', summary: summarise(throttled), note: 'from the simulator request log' },
      { case: 'rate-limits', name: 'sync duration in Zendesk minutes', unit: 'min', summary: summarise(minutes) },
    ];
  },
};
