/**
 * Where `tally serve`'s dashboard sessions live (docs/dashboard.md#sessions): Redis, shared
 * by every serve process, so sign-out in one ends the session in all. A session expires
 * in Redis after 30 minutes without a request (its TTL is renewed on each save), and the
 * session itself says when it began, so none lasts more than 12 hours.
 */
import type { Session } from 'fastify';
import type { Redis } from 'ioredis';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 12 * 3_600_000;

type Callback = (error?: unknown) => void;
type SessionCallback = (error: unknown, session?: Session | null) => void;

/** The express-session store interface @fastify/session takes. */
export class RedisSessionStore {
  constructor(
    private readonly redis: () => Redis,
    private readonly prefix: string,
  ) {}

  private key = (sessionId: string) => `${this.prefix}:web:session:${sessionId}`;

  set(sessionId: string, session: Session, callback: Callback): void {
    this.redis()
      .set(this.key(sessionId), JSON.stringify(session), 'PX', SESSION_IDLE_MS)
      .then(() => callback(), callback);
  }

  get(sessionId: string, callback: SessionCallback): void {
    this.redis()
      .get(this.key(sessionId))
      .then((value) => callback(undefined, value === null ? null : (JSON.parse(value) as Session)), callback);
  }

  destroy(sessionId: string, callback: Callback): void {
    this.redis()
      .del(this.key(sessionId))
      .then(() => callback(), callback);
  }
}
