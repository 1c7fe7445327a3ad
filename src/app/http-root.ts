/**
 * `tally serve`'s composition root (docs/api.md#server): reads the configuration, builds
 * the adapters once, binds the use cases per request to the key that asks, and serves
 * every region in TALLY_REGIONS. SIGTERM or SIGINT stops taking connections, lets the
 * requests in flight finish, closes what was opened and exits 0.
 */
import type { AddressInfo } from 'node:net';
import { type Config, loadConfig } from '../config/load-config.js';
import { buildHttpServer } from '../http/server.js';
import { ConfigError } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { createAdapters } from './adapters.js';
import { createUseCases } from './use-cases.js';

const NO_TLS =
  'NODE_ENV=production and no TLS: set TALLY_HTTP_TLS_CERT and TALLY_HTTP_TLS_KEY (PEM files) to serve HTTPS, ' +
  'or TALLY_HTTP_TRUSTED_PROXY to the proxy that terminates TLS in front of tally serve.';

/** In production tally serve speaks HTTPS only, or sits behind a proxy that does (docs/api.md#server). */
function servedWithoutTls(env: NodeJS.ProcessEnv): boolean {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  return env['NODE_ENV'] === 'production' && !(set('TALLY_HTTP_TLS_CERT') && set('TALLY_HTTP_TLS_KEY')) && !set('TALLY_HTTP_TRUSTED_PROXY');
}

export async function serveHttp(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    // Said first, with whatever else the configuration lacks.
    if (error instanceof ConfigError && servedWithoutTls(env)) throw new ConfigError(error.message.replace('Invalid configuration:', `Invalid configuration:\n  - ${NO_TLS}`));
    throw error;
  }
  if (servedWithoutTls(env)) throw new ConfigError(`Invalid configuration:\n  - ${NO_TLS}`);
  // Every serve process must accept the others' session cookies, so production names one secret.
  if (config.nodeEnv === 'production' && config.http.sessionSecret === undefined) {
    throw new ConfigError('Invalid configuration:\n  - TALLY_SESSION_SECRET is not set: tally serve needs it in production to sign dashboard sessions; set it to 32+ random characters (e.g. openssl rand -base64 48), the same in every serve process.');
  }
  const logger = createLogger(config.logLevel, 'tally-serve');
  const adapters = await createAdapters(config, { decrypts: true });
  // Setup links start with TALLY_PUBLIC_URL, or else with the address this server listens on (known after listen).
  let ports = { ...adapters, syncDatabase: (region: string) => adapters.router.region(region) };
  const app = await buildHttpServer({
    config,
    router: adapters.router,
    redis: adapters.redis,
    now: adapters.now,
    useCasesFor: (actor) => createUseCases(ports, { actor }),
    ready: async () => {
      await adapters.redis().ping();
      for (const region of adapters.router.regionIds) await adapters.router.region(region).db.command({ ping: 1 });
      return true;
    },
    logger,
  });
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    await adapters.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const scheme = config.http.tls ? 'https' : 'http';
  if ((env['TALLY_PUBLIC_URL'] ?? '').trim() === '') ports = { ...ports, config: { ...config, http: { ...config.http, publicUrl: `${scheme}://${config.http.host}:${address.port}` } } };
  logger.info({ url: `${scheme}://${config.http.host}:${address.port}`, regions: adapters.router.regionIds }, 'listening');
  process.stderr.write(`tally serve: listening on ${scheme}://${config.http.host}:${address.port} (regions ${adapters.router.regionIds.join(', ')}); API reference at /docs\n`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
  });
  logger.info('stopping: draining requests in flight');
  await app.close();
  await adapters.close();
  logger.info('stopped');
}
