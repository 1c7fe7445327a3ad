// A command that needs Redis while Redis is down says so in one line: no stream of
// ioredis connection errors with stack traces on stderr, nothing written.
import { describe, expect, it } from 'vitest';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions } from '../helpers/two-regions.js';

describe('tally tenants add with Redis unreachable', { timeout: 60_000 }, () => {
  it('exits 2 with one REDIS_UNAVAILABLE line and adds nothing', async () => {
    const regions = await startTwoRegions();
    try {
      const result = await runTally(
        ['tenants', 'add', '--id', 'redisdown', '--region', 'us', '--time-zone', 'Europe/Berlin', '--zendesk-url', 'http://127.0.0.1:9/acme',
          '--zendesk-email', 'admin@acme.example', '--zendesk-token', 'abcdefghijklmnopqrstuvwxyz0123456789ABCD', '--no-verify'],
        { ...regions.env, REDIS_URL: 'redis://127.0.0.1:1' },
      );
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n'), result.stderr).toEqual([expect.stringContaining('tally: [REDIS_UNAVAILABLE] tenants add claims the --id in Redis')]);
      expect(await regions.router.region('us').tenants.find('redisdown')).toBeNull();
    } finally {
      await regions.close();
    }
  });
});
