import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { type Db, MongoClient, type MongoClientOptions } from 'mongodb';
import { type Config, loadConfig } from '../../src/config/load-config.js';

/** Config for the local services that `scripts/services up` starts (the defaults, plus any env overrides). */
export function localConfig(): Config {
  return loadConfig({ ...process.env, NODE_ENV: 'test' });
}

/** A name no other test file uses, for databases, queues and buckets. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** Whether something accepts TCP connections at host:port (within timeoutMs). */
export function answersAt(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Fails fast, with the fix, when a service the test talks to is not running. */
export async function requireService(name: string, url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  if (!(await answersAt(hostname, Number(port)))) {
    throw new Error(`${name} is not answering at ${hostname}:${port}: start the local services with 'scripts/services up'`);
  }
}

/** A database of its own on the local FerretDB (region us), dropped by `close`. */
export async function scratchDatabase(options: MongoClientOptions = {}): Promise<{ db: Db; close: () => Promise<void> }> {
  const uri = localConfig().regions['us']?.mongodbUri ?? '';
  await requireService('FerretDB (MongoDB)', uri.replace(/^mongodb:/, 'http:'));
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, ...options });
  await client.connect();
  const db = client.db(uniqueName('tally_test'));
  return {
    db,
    close: async () => {
      await db.dropDatabase();
      await client.close();
    },
  };
}
