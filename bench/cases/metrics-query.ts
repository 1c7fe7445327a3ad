/**
 * Item 6b: how long `tally metrics` takes for 200 agents over 90 days, on the last
 * backfill of the largest size (200 agents, 90 days of history), with every agent-day
 * given a bucket (copies of computed ones) so the range is full at any size: the
 * command as a user runs it (a new process, `--format json`) and its work alone.
 */
import { spawn } from 'node:child_process';
import { regionEnv, runChild } from '../lib/child.js';
import type { BenchCase, Measurement } from '../lib/context.js';
import { summarise } from '../lib/stats.js';

interface MetricsResult {
  seconds: number;
  agents: number;
  buckets: number;
}

const DAYS = 90;

async function timeCommand(args: readonly string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, TALLY_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`tally ${args.join(' ')} exited with ${code}: ${stderr}`);
  return (performance.now() - started) / 1000;
}

export const metricsQueryCase: BenchCase = {
  name: 'metrics-query',
  async run(context) {
    const backfill = context.backfills.at(-1);
    if (!backfill) return [];
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.parse(`${to}T00:00:00Z`) - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const env = regionEnv(backfill.databaseUri);
    const filled = await runChild<{ agents: number; kept: number; added: number }>('bench/children/fill-daily.ts', [
      '--uri', backfill.databaseUri, '--tenant', 'bench', '--from', from, '--days', String(DAYS),
    ]);
    const range = ['--tenant', 'bench', '--from', from, '--to', to];
    const commandTimes: number[] = [];
    const queries: MetricsResult[] = [];
    for (let run = 1; run <= context.runs; run++) {
      commandTimes.push(await timeCommand(['metrics', ...range, '--format', 'json'], env));
      queries.push(await runChild<MetricsResult>('bench/children/metrics.ts', range, env));
    }
    const first = queries[0] as MetricsResult;
    const scope =
      `${first.agents} agents, ${first.buckets} daily buckets (${filled.kept} from the backfill, ${filled.added} copies of them to fill every agent-day), ${from} to ${to}`;
    context.log(`metrics ${backfill.size.label}: ${scope}; command ${commandTimes.map((t) => t.toFixed(2)).join(', ')} s`);
    const measurements: Measurement[] = [
      { case: 'metrics-query', name: `\`tally metrics\` over ${DAYS} days (whole command)`, size: backfill.size.label, unit: 's', summary: summarise(commandTimes), note: `${scope}; includes Node and tsx start` },
      { case: 'metrics-query', name: `metrics query over ${DAYS} days (in-process)`, size: backfill.size.label, unit: 's', summary: summarise(queries.map((query) => query.seconds)), note: 'readMetrics and the table: buckets, decryption, audit entry' },
    ];
    return measurements;
  },
};
