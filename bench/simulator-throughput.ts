/**
 * How many ticket events per second the simulator serves: the simulator runs in its
 * own process (as in the demo and benchmarks), a client pages through the whole
 * ticket_events export with comment events, 1000 per page, over HTTP with fetch (as
 * the sync client does), and parses every page. Only distinct events count: the
 * events a time-based page repeats from the previous page's last second do not, and
 * a run that misses any event of the world fails. Limits are set out of reach so the
 * simulator's own cost shows. Run 1 is reported apart too: it meets a cold process.
 *
 * With `--baseline DIR` (another checkout with its node_modules), a simulator from
 * there runs beside this one and runs alternate between them (baseline first), so
 * both see the same machine state; the medians and their ratio are printed.
 * Beside the wall-clock rate, which includes the client's own work and the machine's
 * other load, it reports events per second of the simulator process's CPU time (from
 * /proc, Linux only): the simulator's capacity, steadier when other processes compete.
 * Usage: scripts/run tsx bench/simulator-throughput.ts [--runs 5] [--tickets-per-day 2000] [--days 30] [--baseline DIR]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    days: { type: 'string', default: '30' },
    'tickets-per-day': { type: 'string', default: '2000' },
    baseline: { type: 'string' },
  },
});

interface Simulator {
  readonly label: string;
  readonly url: string;
  readonly auth: string;
  readonly ticketEvents: number;
  /** CPU seconds the simulator process has used so far. */
  cpuSeconds(): number;
  stop(): void;
}

/** Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

async function startSimulator(label: string, root: string): Promise<Simulator> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'simulator', '--port', '0', '--account', 'bench', '--agents', '50',
      '--days', values.days, '--tickets-per-day', values['tickets-per-day'], '--rate-limit', '100000000', '--export-rate-limit', '100000000'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const account = await new Promise<{ url: string; email: string; token: string; ticketEvents: number }>((resolved, rejected) => {
    child.once('exit', (code) => rejected(new Error(`${label} simulator exited with ${code}`)));
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolved(JSON.parse(line) as { url: string; email: string; token: string; ticketEvents: number });
    });
  });
  return {
    label,
    url: account.url,
    auth: `Basic ${Buffer.from(`${account.email}/token:${account.token}`).toString('base64')}`,
    ticketEvents: account.ticketEvents,
    cpuSeconds: () => processCpuSeconds(child.pid as number),
    stop: () => child.kill('SIGTERM'),
  };
}

interface TicketEventsPage {
  ticket_events: { id: number; timestamp: number }[];
  next_page: string;
  end_time: number;
  end_of_stream: boolean;
}

interface RunResult {
  events: number;
  repeated: number;
  pages: number;
  seconds: number;
  serverCpuSeconds: number;
}

async function run(simulator: Simulator): Promise<RunResult> {
  let url = `${simulator.url}/api/v2/incremental/ticket_events.json?start_time=0&per_page=1000&include=comment_events`;
  let events = 0;
  let repeated = 0;
  let pages = 0;
  // The next page starts at this page's end_time, so it repeats the events of that second.
  let boundary = new Set<number>();
  const started = performance.now();
  const cpuStarted = simulator.cpuSeconds();
  for (;;) {
    const response = await fetch(url, { headers: { authorization: simulator.auth } });
    if (response.status !== 200) throw new Error(`${simulator.label}: HTTP ${response.status}`);
    const page = (await response.json()) as TicketEventsPage;
    const next = new Set<number>();
    for (const event of page.ticket_events) {
      if (boundary.has(event.id)) repeated++;
      else events++;
      if (event.timestamp === page.end_time) next.add(event.id);
    }
    boundary = next;
    pages++;
    if (page.end_of_stream) break;
    url = page.next_page;
  }
  const seconds = (performance.now() - started) / 1000;
  const serverCpuSeconds = simulator.cpuSeconds() - cpuStarted;
  if (events !== simulator.ticketEvents) {
    throw new Error(`${simulator.label}: served ${events} distinct events of the world's ${simulator.ticketEvents}`);
  }
  return { events, repeated, pages, seconds, serverCpuSeconds };
}

function summary(rates: readonly number[]) {
  const sorted = [...rates].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? (sorted[Math.floor(middle)] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return {
    runs: rates.length,
    median: Math.round(median),
    min: Math.round(sorted[0] ?? 0),
    max: Math.round(sorted.at(-1) ?? 0),
    first: Math.round(rates[0] ?? 0),
    rates: rates.map((rate) => Math.round(rate)),
  };
}

const simulators: Simulator[] = [];
try {
  // One at a time: generating two worlds at once would only slow both.
  if (values.baseline) simulators.push(await startSimulator('baseline', resolve(values.baseline)));
  simulators.push(await startSimulator('current', process.cwd()));
  const results = new Map<string, RunResult[]>(simulators.map((simulator) => [simulator.label, []]));
  for (let i = 0; i < Number(values.runs); i++) {
    for (const simulator of simulators) {
      const result = await run(simulator);
      results.get(simulator.label)?.push(result);
      console.log(
        `${simulator.label} run ${i + 1}: ${result.events} events (+${result.repeated} repeated) in ${result.pages} pages, ` +
          `${result.seconds.toFixed(2)} s, ${Math.round(result.events / result.seconds)} events/s; ` +
          `simulator CPU ${result.serverCpuSeconds.toFixed(2)} s, ${Math.round(result.events / result.serverCpuSeconds)} events per CPU-second`,
      );
    }
  }
  const wall = Object.fromEntries([...results].map(([label, list]) => [label, summary(list.map((r) => r.events / r.seconds))]));
  const cpu = Object.fromEntries([...results].map(([label, list]) => [label, summary(list.map((r) => r.events / r.serverCpuSeconds))]));
  const ratio = (of: Record<string, { median: number }>) =>
    of['baseline'] && of['current'] ? { ratio: Number((of['current'].median / of['baseline'].median).toFixed(2)) } : {};
  console.log(
    JSON.stringify({
      benchmark: 'simulator ticket_events served per second (distinct events, with comment_events, 1000 per page)',
      worldTicketEvents: simulators[0]?.ticketEvents,
      eventsPerSecond: { ...wall, ...ratio(wall) },
      eventsPerSimulatorCpuSecond: { ...cpu, ...ratio(cpu) },
    }),
  );
} finally {
  for (const simulator of simulators) simulator.stop();
}
