/**
 * A `tally simulator` in its own process (as in the demo), so that its CPU and memory
 * are not the measured process's. One account, `bench`, seeded, so every run of a
 * size serves the same data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface WorldSize {
  readonly agents: number;
  readonly days: number;
  readonly ticketsPerDay: number;
}

export interface SimulatorLimits {
  /** Requests per minute; omitted means out of reach. */
  readonly account?: number;
  readonly export?: number;
  readonly usersExport?: number;
  readonly speed?: number;
}

export interface RequestLogEntry {
  readonly endpoint: string | null;
  readonly status: number;
  readonly startedAt: number;
  readonly limitedBy?: string;
}

export interface RunningSimulator {
  /** Account root, what `tenants add --zendesk-url` takes. */
  readonly url: string;
  readonly base: string;
  readonly email: string;
  readonly token: string;
  readonly tickets: number;
  readonly ticketEvents: number;
  requests(since?: number): Promise<RequestLogEntry[]>;
  stop(): Promise<void>;
}

const OFF = 100_000_000;

export async function startSimulator(size: WorldSize, limits: SimulatorLimits = {}, seed = 42): Promise<RunningSimulator> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import', 'tsx', 'src/cli/main.ts', 'simulator', '--port', '0', '--seed', String(seed), '--account', 'bench',
      '--agents', String(size.agents), '--days', String(size.days), '--tickets-per-day', String(size.ticketsPerDay),
      '--rate-limit', String(limits.account ?? OFF), '--export-rate-limit', String(limits.export ?? OFF),
      '--users-export-rate-limit', String(limits.usersExport ?? OFF), '--speed', String(limits.speed ?? 1),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stdout = child.stdout;
  if (!stdout) throw new Error('simulator has no stdout');
  const lines = createInterface({ input: stdout });
  const account = await new Promise<{ url: string; email: string; token: string; tickets: number; ticketEvents: number }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code} before it listened`)));
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line) as { url: string; email: string; token: string; tickets: number; ticketEvents: number });
    });
  });
  child.removeAllListeners('exit');
  const base = new URL(account.url).origin;
  return {
    ...account,
    base,
    requests: async (since = 0) => {
      const response = await fetch(`${base}/_sim/requests?account=bench&since=${since}`);
      return ((await response.json()) as { requests: RequestLogEntry[] }).requests;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
