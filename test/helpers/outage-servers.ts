/**
 * A Redis and a FerretDB of a test's own, on free loopback ports, that the test may
 * kill mid-sync and start again on the same port: Redis empty (no persistence, as
 * scripts/services runs it), FerretDB over its own PostgreSQL database with the same
 * flags and GIN twins as scripts/services (scripts/lib/common.sh, ferretdb_pg_indexes).
 * Every wait is bounded; `close` stops the process and drops what it created.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answersAt, uniqueName } from './local-services.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
/**
 * The own FerretDB's PostgreSQL pool. FerretDB wedges for good once its pool runs dry
 * (scripts/services); one worker and this test exhausted a pool of 30 within minutes.
 * PostgreSQL allows 100 connections in all, shared with the machine's FerretDB.
 */
const POOL_MAX_CONNS = 60;

export interface OwnServer {
  readonly port: number;
  /** A connection URL (redis:// or mongodb://host:port). */
  readonly url: string;
  /** SIGKILL: the server vanishes mid-request, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port (Redis comes back empty). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const answers = (port: number): Promise<boolean> => answersAt(HOST, port, 1_000);

/** A process that owns a port: start waits until the port answers, kill until the process is gone. */
function ownProcess(name: string, port: number, url: string, command: string, args: string[], logFile: string, cleanup: () => void): OwnServer {
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const stop = async (signal: NodeJS.Signals) => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.kill(signal);
    const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS))]);
    if (timedOut) {
      running.kill('SIGKILL');
      await exited;
    }
  };
  return {
    port,
    url,
    start: async () => {
      if (await answers(port)) throw new Error(`${name}: port ${port} is already taken`);
      const started = spawn(command, args, { stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] });
      child = started;
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (!(await answers(port))) {
        if (started.exitCode !== null || Date.now() > deadline) {
          await stop('SIGKILL');
          throw new Error(`${name} did not start on ${HOST}:${port} (log: ${logFile})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    kill: () => stop('SIGKILL'),
    close: async () => {
      await stop('SIGTERM');
      cleanup();
    },
  };
}

/** redis-server on a free port, without persistence: a restart comes back empty. */
export async function startOwnRedis(): Promise<OwnServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tally-own-redis-'));
  const server = ownProcess(
    'own Redis',
    port,
    `redis://${HOST}:${port}`,
    'redis-server',
    ['--bind', HOST, '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    join(dir, 'redis.log'),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  await server.start();
  return server;
}

const psql = (sql: string, database = 'postgres') =>
  execFileSync('psql', ['-h', HOST, '-p', '5432', '-U', 'postgres', '-d', database, '-tAc', sql], { encoding: 'utf8', timeout: 30_000 }).trim();

/** FerretDB (.tools/bin/ferretdb) on a free port over a PostgreSQL database of its own, dropped on close. */
export async function startOwnFerretdb(): Promise<OwnServer> {
  const port = await freePort();
  const database = uniqueName('tally_own_ferretdb');
  const dir = mkdtempSync(join(tmpdir(), 'tally-own-ferretdb-'));
  psql(`create database ${database}`);
  try {
    execFileSync('bash', ['-c', `source scripts/lib/common.sh && ferretdb_pg_indexes ${database}`], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  } catch (error) {
    psql(`drop database if exists ${database} with (force)`);
    throw error;
  }
  const server = ownProcess(
    'own FerretDB',
    port,
    `mongodb://${HOST}:${port}`,
    '.tools/bin/ferretdb',
    [
      '--handler=postgresql',
      `--postgresql-url=postgres://postgres@${HOST}:5432/${database}?pool_max_conns=${POOL_MAX_CONNS}`,
      `--listen-addr=${HOST}:${port}`,
      '--state-dir=-',
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
    ],
    join(dir, 'ferretdb.log'),
    () => {
      psql(`drop database if exists ${database} with (force)`);
      rmSync(dir, { recursive: true, force: true });
    },
  );
  await server.start();
  return server;
}
