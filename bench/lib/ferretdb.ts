/**
 * The benchmark's own FerretDB (the project's .tools/bin/ferretdb, the same flags as
 * scripts/services) on a free port, over its own database on the machine's
 * PostgreSQL: the shared one at 127.0.0.1:27017 also serves every test run on the
 * machine, whose load (and, seen on 2026-11-25, a wedged connection pool) would be
 * measured too. `--mongo-url` uses a given server instead. `TALLY_BENCH_FERRETDB_DEBUG`
 * (host:port) serves FerretDB's metrics and Go profiles there (/debug/metrics,
 * /debug/pprof/), which is how its pool was seen held by finished updates.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { MongoClient } from 'mongodb';

const PG_DATABASE = 'tally_bench_ferretdb';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startFerretdb(): Promise<{ url: string; stop(): Promise<void> }> {
  const psql = (sql: string) => execFileSync('psql', ['-h', '127.0.0.1', '-p', '5432', '-U', 'postgres', '-tAc', sql], { encoding: 'utf8' }).trim();
  if (psql(`select 1 from pg_database where datname='${PG_DATABASE}'`) !== '1') psql(`create database ${PG_DATABASE}`);
  // The same GIN twins of FerretDB's indexes as scripts/services gives the shared one.
  execFileSync('bash', ['-c', `source scripts/lib/common.sh && ferretdb_pg_indexes ${PG_DATABASE}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const port = await freePort();
  mkdirSync('.data/logs', { recursive: true });
  const logFile = '.data/logs/bench-ferretdb.log';
  const child = spawn(
    '.tools/bin/ferretdb',
    [
      // Room for ten tenants' syncs in one process, each update holding up to two connections
      // (docs/architecture.md#local-stand-ins).
      '--handler=postgresql', `--postgresql-url=postgres://postgres@127.0.0.1:5432/${PG_DATABASE}?pool_max_conns=150`,
      `--listen-addr=127.0.0.1:${port}`, '--state-dir=-', `--debug-addr=${process.env.TALLY_BENCH_FERRETDB_DEBUG ?? '-'}`, '--telemetry=disable', '--log-level=error',
    ],
    // FerretDB logs every duplicate-key insert (expected: upserts insert first) with its arguments: a file, not the terminal.
    { stdio: ['ignore', 'ignore', openSync(logFile, 'w')] },
  );
  const url = `mongodb://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const client = new MongoClient(`${url}/?directConnection=true`, { serverSelectionTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`FerretDB did not start on port ${port} (log: ${logFile})`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await client.close();
    }
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
