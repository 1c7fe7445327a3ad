/**
 * For the purge and offboarding tests of an unreachable Redis: a loopback port
 * nothing listens on, and the `tally` command run with a deadline (a command that
 * hangs is killed and reported as such rather than hanging the test).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { tallyArgs } from './tally-command.js';

/** A Redis URL on a loopback port that was free a moment ago: connections are refused. */
export async function unreachableRedisUrl(): Promise<string> {
  const server = createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `redis://127.0.0.1:${port}`;
}

export interface BoundedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  /** True when the deadline passed and the command was killed. */
  readonly killed: boolean;
}

/** Runs `tally` as an operator would; kills it after `deadlineMs`. */
export function runTallyWithin(args: string[], env: Record<string, string>, deadlineMs: number): Promise<BoundedRun> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, tallyArgs(...args), { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, deadlineMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started, killed });
    });
  });
}
