// Two workers on one host (the usual way to use both cores): the second must not die
// with a stack trace on the first one's metrics port, but say what to change.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { uniqueName } from '../helpers/local-services.js';
import { runTally } from '../helpers/tally-cli.js';

describe('a worker whose metrics port is taken', { timeout: 60_000 }, () => {
  it('exits 2 with one line naming TALLY_METRICS_PORT and the fix, before it starts any job', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    try {
      const result = await runTally(['worker'], { TALLY_METRICS_PORT: String(address.port), TALLY_QUEUE_PREFIX: uniqueName('port').slice(0, 40) });
      expect(result.code, result.stderr).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`[METRICS_PORT_UNAVAILABLE] TALLY_METRICS_PORT ${address.port}`);
      expect(lines[0]).toContain('give each worker on this host its own TALLY_METRICS_PORT, or 0 for any free port');
      expect(result.stdout).not.toContain('worker started');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});
