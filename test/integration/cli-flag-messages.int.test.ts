// The `tally` command's messages for malformed flags and settings (issue 15, item 14),
// run as an operator runs it: each names the field, says what is wrong and the fix,
// exits 2, writes nothing, and never echoes long or secret input back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

let regions: TwoRegions;
const LONG_ID = `acme${'x'.repeat(296)}`;

beforeAll(async () => {
  regions = await startTwoRegions();
  const added = await tally(['tenants', 'add', ...tenantFlags('acme')]);
  if (added.code !== 0) throw new Error(`could not add the test tenant: ${added.stderr}`);
});
afterAll(async () => {
  await regions?.close();
});

const tally = (args: string[], env: Record<string, string> = {}) => runTally(args, { ...regions.env, ...env });

function tenantFlags(id: string, overrides: Record<string, string> = {}): string[] {
  const flags: Record<string, string> = {
    '--id': id,
    '--region': 'eu',
    '--time-zone': 'Europe/Berlin',
    '--zendesk-url': 'http://127.0.0.1:9/acme',
    '--zendesk-email': 'admin@acme.example',
    '--zendesk-token': 'a-zendesk-api-token',
    ...overrides,
  };
  return [...Object.entries(flags).flat(), '--no-verify'];
}

async function storedDocuments(): Promise<number> {
  let count = 0;
  for (const region of ['us', 'eu'] as const) {
    const db = regions.router.region(region).db;
    for (const collection of ['tenants', 'keys', 'purges', 'audit']) count += await db.collection(collection).countDocuments();
  }
  return count;
}

/** Runs a command that must be refused: exit 2, INPUT_INVALID, nothing written. */
async function refused(args: string[]): Promise<string> {
  const before = await storedDocuments();
  const result = await tally(args);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toContain('[INPUT_INVALID]');
  expect(await storedDocuments()).toBe(before);
  return result.stderr;
}

describe('a malformed tenant id says what is wrong, not "is required"', () => {
  it.each([
    ['metrics', ['metrics', '--tenant', 'ACME', '--from', '2026-11-01', '--to', '2026-11-07']],
    ['sync', ['sync', '--tenant', 'ACME', '--once']],
    ['purge', ['purge', '--tenant', 'ACME', '--agent', '1']],
    ['purge --list', ['purge', '--list', '--tenant', 'ACME']],
    ['export', ['export', '--tenant', 'ACME', '--agent', '1']],
    ['audit verify', ['audit', 'verify', '--tenant', 'ACME']],
  ])('%s --tenant ACME', async (_name, args) => {
    const stderr = await refused(args);
    expect(stderr).toContain('--tenant');
    expect(stderr).toContain('a tenant id is 2 to 63 lower-case letters');
    expect(stderr).toContain('got an upper-case letter');
    expect(stderr).not.toContain('is required');
  });

  it('tenants retention --id "acme corp" names the space', async () => {
    const stderr = await refused(['tenants', 'retention', '--id', 'acme corp', '--fact-days', '40']);
    expect(stderr).toContain('--id');
    expect(stderr).toContain('got a space');
    expect(stderr).not.toContain('is required');
  });

  it('a missing --tenant still says it is required', async () => {
    expect(await refused(['metrics', '--from', '2026-11-01', '--to', '2026-11-07'])).toContain('--tenant is required');
  });
});

describe('an over-long id is never echoed back', () => {
  it.each([
    ['tenants show', ['tenants', 'show', '--id', LONG_ID]],
    ['tenants remove', ['tenants', 'remove', '--id', LONG_ID, '--confirm', LONG_ID]],
    ['tenants retention', ['tenants', 'retention', '--id', LONG_ID, '--fact-days', '40']],
    ['tenants credentials', ['tenants', 'credentials', '--id', LONG_ID, '--zendesk-email', 'a@b.example', '--zendesk-token', 'a-token-value', '--no-verify']],
    ['tenants add', ['tenants', 'add', ...tenantFlags(LONG_ID)]],
    ['sync', ['sync', '--tenant', LONG_ID, '--once']],
    ['metrics', ['metrics', '--tenant', LONG_ID, '--from', '2026-11-01', '--to', '2026-11-07']],
  ])('%s', async (_name, args) => {
    const stderr = await refused(args);
    expect(stderr).toMatch(/--(id|tenant)/);
    expect(stderr).toContain('got 300 characters');
    expect(stderr).not.toContain('xxxxxxxxxx');
    expect(stderr.length).toBeLessThan(400);
  });
});

describe('a malformed --zendesk-email says so, and is not echoed', () => {
  it.each([
    ['tenants add', ['tenants', 'add', ...tenantFlags('other', { '--zendesk-email': 'admin.acme.example' })]],
    ['tenants credentials', ['tenants', 'credentials', '--id', 'acme', '--zendesk-email', 'admin.acme.example', '--zendesk-token', 'a-token-value', '--no-verify']],
  ])('%s', async (_name, args) => {
    const stderr = await refused(args);
    expect(stderr).toContain('--zendesk-email is not an email address');
    expect(stderr).not.toContain('is required');
    expect(stderr).not.toContain('admin.acme.example');
  });
});

describe('--agent beyond a safe integer is bad input, not a store failure', () => {
  it.each([
    ['purge', ['purge', '--tenant', 'acme', '--agent', '9999999999999999']],
    ['metrics', ['metrics', '--tenant', 'acme', '--from', '2026-11-01', '--to', '2026-11-07', '--agent', '9999999999999999']],
    ['export', ['export', '--tenant', 'acme', '--agent', '9999999999999999']],
  ])('%s --agent 9999999999999999', async (_name, args) => {
    const stderr = await refused(args);
    expect(stderr).toContain('--agent must be a Zendesk user id');
    expect(stderr).toContain('9007199254740991');
    expect(stderr).not.toContain('STORE_FAILED');
    expect(stderr).not.toContain('10000000000000000');
  });
});

describe('--sync-start long before anything tally keeps', () => {
  it('is refused when the tenant is added, not at its first sync', async () => {
    const stderr = await refused(['tenants', 'add', ...tenantFlags('other', { '--sync-start': '1900-01-01' })]);
    expect(stderr).toContain('--sync-start');
    expect(stderr).toContain('3650 days');
    expect(await regions.router.regionOf('other')).toBeNull();
  });

  it('a recent one is still accepted', async () => {
    const recent = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const result = await tally(['tenants', 'add', ...tenantFlags('recent', { '--sync-start': recent })]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 'recent', syncStart: recent });
  });
});

describe('tally config check', () => {
  it('refuses a hexadecimal TALLY_* number, naming the variable, never the value', async () => {
    const result = await tally(['config', 'check'], { TALLY_ZENDESK_RATE_LIMIT: '0x1F4' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TALLY_ZENDESK_RATE_LIMIT must be a decimal number');
    expect(result.stderr).not.toContain('0x1F4');
  });

  it('prints no query-string credential', async () => {
    const uri = regions.env['TALLY_US_MONGODB_URI'] ?? '';
    const result = await tally(['config', 'check'], { TALLY_US_MONGODB_URI: `${uri}&password=qs-secret-1`, REDIS_URL: 'redis://127.0.0.1:6379/?password=qs-secret-2' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('qs-secret');
    expect(result.stdout).toContain('password=***');
  });
});
