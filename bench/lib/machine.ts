/** The machine and versions a result was measured with, read, never written by hand. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { MongoClient } from 'mongodb';

export interface Machine {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly ramGb: number;
  readonly os: string;
  readonly node: string;
  readonly ferretdb: string;
  readonly postgresql: string;
  readonly commit: string;
  /** The 1-minute load average when the run started: other work on the machine skews every figure. */
  readonly loadAverage?: number;
}

const run = (command: string, args: readonly string[]): string => {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
};

export async function describeMachine(client: MongoClient): Promise<Machine> {
  const info = (await client.db('admin').command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string; ferretdb?: { version?: string } };
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']) === '' ? '' : ' (uncommitted changes)';
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGb: Math.round(totalmem() / 1024 ** 3),
    os: `Linux ${release()}`,
    node: process.version,
    ferretdb: info.ferretdbVersion ?? info.ferretdb?.version ?? `wire version ${info.version ?? 'unknown'}`,
    postgresql: run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-tAc', 'show server_version']),
    commit: run('git', ['rev-parse', '--short', 'HEAD']) + dirty,
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}
