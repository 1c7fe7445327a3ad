/**
 * The Redis connection of a CLI command's short queue operations (enqueue a purge,
 * remove an offboarded tenant's jobs). Unlike a worker's, it does not wait out an
 * outage: the connection is tried once within CONNECT_TIMEOUT_MS, ioredis never
 * retries, its errors are kept rather than printed, and any failure to reach Redis
 * becomes one AppError `REDIS_UNAVAILABLE` (retryable) whose message says what
 * could not be done. The URL is never part of a message (it may hold a password).
 */
import { Redis } from 'ioredis';
import { AppError } from '../src/shared/errors.js';

export const CONNECT_TIMEOUT_MS = 3_000;

export class RedisUnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('REDIS_UNAVAILABLE', message, { retryable: true, cause });
  }
}

/**
 * Runs `use` with a connected client, then closes it. `what` completes the sentence
 * "Redis (REDIS_URL) is not answering, so …" when Redis cannot be reached or drops.
 */
export async function withCliQueueConnection<T>(redisUrl: string, what: string, use: (connection: Redis) => Promise<T>): Promise<T> {
  const connection = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // BullMQ queues accept a bounded client; one retry per command, none to reconnect.
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  });
  let lastError: unknown;
  // Without a listener ioredis prints every connection error to stderr.
  connection.on('error', (error: unknown) => (lastError = error));
  const unavailable = (cause: unknown) => new RedisUnavailableError(`Redis (REDIS_URL) is not answering, so ${what}`, cause);
  try {
    try {
      await connection.connect();
      await connection.ping();
    } catch (error) {
      throw unavailable(lastError ?? error);
    }
    try {
      return await use(connection);
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (connection.status !== 'ready') throw unavailable(lastError ?? error);
      throw error;
    }
  } finally {
    connection.disconnect();
  }
}
