/**
 * How many ticket events per second the simulator serves: the simulator runs in its
 * own process (as in the demo and benchmarks), a client pages through the whole
 * ticket_events export with comment events, 1000 per page, and parses every page.
 * Limits are set out of reach so the simulator's own cost shows.
 * Usage: scripts/run tsx bench/simulator-throughput.ts [--runs 5] [--tickets-per-day 2000] [--days 30]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    days: { type: 'string', default: '30' },
    'tickets-per-day': { type: 'string', default: '2000' },
  },
});

const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'src/cli/main.ts', 'simulator', '--port', '0', '--account', 'bench', '--agents', '50',
    '--days', values.days, '--tickets-per-day', values['tickets-per-day'], '--rate-limit', '100000000', '--export-rate-limit', '100000000'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const lines = createInterface({ input: child.stdout });
const account = await new Promise<{ url: string; email: string; token: string; ticketEvents: number }>((resolve) => {
  lines.on('line', (line) => {
    if (line.startsWith('{')) resolve(JSON.parse(line) as { url: string; email: string; token: string; ticketEvents: number });
  });
});
const auth = `Basic ${Buffer.from(`${account.email}/token:${account.token}`).toString('base64')}`;

async function run(): Promise<{ events: number; seconds: number; pages: number }> {
  let url = `${account.url}/api/v2/incremental/ticket_events.json?start_time=0&per_page=1000&include=comment_events`;
  let events = 0;
  let pages = 0;
  const started = performance.now();
  for (;;) {
    const response = await fetch(url, { headers: { authorization: auth } });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    const page = (await response.json()) as { ticket_events: unknown[]; next_page: string; end_of_stream: boolean };
    events += page.ticket_events.length;
    pages++;
    if (page.end_of_stream) break;
    url = page.next_page;
  }
  return { events, seconds: (performance.now() - started) / 1000, pages };
}

const rates: number[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const result = await run();
  const rate = result.events / result.seconds;
  rates.push(rate);
  console.log(`run ${i + 1}: ${result.events} events in ${result.pages} pages, ${result.seconds.toFixed(2)} s, ${Math.round(rate)} events/s`);
}
const sorted = [...rates].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
console.log(
  JSON.stringify({
    benchmark: 'simulator ticket_events served per second (with comment_events, 1000 per page)',
    worldTicketEvents: account.ticketEvents,
    runs: rates.length,
    median: Math.round(median),
    min: Math.round(sorted[0] ?? 0),
    max: Math.round(sorted.at(-1) ?? 0),
  }),
);
child.kill('SIGTERM');
