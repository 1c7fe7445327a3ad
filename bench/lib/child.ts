/**
 * Runs a bench child script in its own Node process (so its peak RSS is its own) and
 * returns the JSON object it prints as its last stdout line. Children report their
 * peak RSS themselves with process.resourceUsage().maxRSS just before they exit.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * The Node options the worker image runs with (the Dockerfile's `ENV NODE_OPTIONS`),
 * so that the processes measured here manage their memory as production does.
 */
export const PRODUCTION_NODE_OPTIONS: readonly string[] = (() => {
  const line = readFileSync('Dockerfile', 'utf8').match(/^ENV NODE_OPTIONS="([^"]*)"$/m);
  if (!line) throw new Error('the Dockerfile has no ENV NODE_OPTIONS="…" line for the bench to copy');
  return (line[1] as string).split(' ').filter(Boolean);
})();

/**
 * `TALLY_BENCH_CHILD_NODE_OPTIONS` adds Node options after those, to look inside a child
 * (say `--heapsnapshot-near-heap-limit=1 --diagnostic-dir=/tmp`).
 */
export async function runChild<T>(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<T> {
  const child = spawn(process.execPath, [...PRODUCTION_NODE_OPTIONS, ...(process.env.TALLY_BENCH_CHILD_NODE_OPTIONS ?? '').split(' ').filter(Boolean), '--import', 'tsx', script, ...args], {
    env: { ...process.env, TALLY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) {
    throw new Error(`${script} exited with ${code}: ${stderr.trim() || stdout.trim().slice(-2000)}`);
  }
  return JSON.parse(last) as T;
}

/** What a child prints last: its own measurements and its peak RSS in bytes. */
export function report(result: Record<string, unknown>): void {
  const usage = process.resourceUsage();
  console.log(JSON.stringify({ ...result, maxRssBytes: usage.maxRSS * 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
}

/**
 * The peak of the JavaScript heap in use (plus off-heap buffers), sampled: RSS also
 * counts garbage V8 has not collected yet, which grows with the heap it allows itself,
 * so this tells a live set that grows apart from a lazy collector.
 */
export function trackHeapPeak(everyMs = 100): { peakBytes(): number } {
  let peak = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.heapUsed + usage.external);
  };
  sample();
  setInterval(sample, everyMs).unref();
  return {
    peakBytes: () => {
      sample();
      return peak;
    },
  };
}

/** The environment of a tally process that serves region us only, from the given database. */
export function regionEnv(databaseUri: string): Record<string, string> {
  return { TALLY_REGIONS: 'us', TALLY_WORKER_REGIONS: 'us', TALLY_US_MONGODB_URI: databaseUri };
}
