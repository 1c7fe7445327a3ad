// `tally tenants add|list|show` as an operator runs them: every bad input exits non-zero,
// names the field, and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulator/server.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

let regions: TwoRegions;
let simulator: ZendeskSimulator;
let zendesk: { url: string; email: string; token: string };

beforeAll(async () => {
  regions = await startTwoRegions();
  simulator = createZendeskSimulator({ accounts: [{ account: 'acme', seed: 1, agents: 4, days: 1, ticketsPerDay: 5 }] });
  await simulator.listen(0);
  const account = simulator.accounts.get('acme');
  zendesk = { url: simulator.rootUrl('acme'), email: account?.email ?? '', token: account?.token ?? '' };
});
afterAll(async () => {
  await simulator?.close();
  await regions?.close();
});

const tally = (args: string[]) => runTally(args, regions.env);

const good = () => [
  '--id', 'acme', '--region', 'eu', '--time-zone', 'Europe/Berlin',
  '--zendesk-url', zendesk.url, '--zendesk-email', zendesk.email, '--zendesk-token', zendesk.token,
];
const withFlag = (flag: string, value: string | null) => {
  const args = good();
  const index = args.indexOf(flag);
  if (value === null) args.splice(index, 2);
  else args[index + 1] = value;
  return args;
};

async function storedCounts(): Promise<number> {
  let count = 0;
  for (const region of ['us', 'eu'] as const) {
    const db = regions.router.region(region).db;
    count += await db.collection('tenants').countDocuments();
    count += await db.collection('keys').countDocuments();
  }
  return count;
}

describe('tally tenants add', () => {
  it('adds a tenant after checking the credentials against Zendesk, and prints it without secrets', async () => {
    const result = await tally(['tenants', 'add', ...good()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ id: 'acme', region: 'eu', timeZone: 'Europe/Berlin', zendeskUrl: zendesk.url, status: 'active' });
    expect(result.stdout).not.toContain(zendesk.token);
    expect(result.stdout).not.toContain(zendesk.email);
    expect(await regions.router.regionOf('acme')).toBe('eu');
  });

  it.each([
    ['an unknown region', () => withFlag('--region', 'apac'), '--region apac is not configured: use one of us, eu'],
    ['a bad time zone', () => withFlag('--time-zone', 'Europe/Atlantis'), '--time-zone Europe/Atlantis is not an IANA time zone'],
    ['a bad URL', () => withFlag('--zendesk-url', 'acme.zendesk'), '--zendesk-url must be the account root URL'],
    ['an /api/v2 URL', () => withFlag('--zendesk-url', 'https://acme.zendesk.com/api/v2'), '--zendesk-url is the account root without /api/v2'],
    ['a missing token', () => withFlag('--zendesk-token', null), '--zendesk-token is required: a Zendesk API token'],
    ['a wrong token', () => withFlag('--zendesk-token', 'not-the-token'), 'Zendesk refused the email and token (401): check --zendesk-email and --zendesk-token'],
    ['a future sync start', () => [...good(), '--sync-start', '2999-01-01'], '--sync-start 2999-01-01 is in the future'],
    ['a bad tenant id', () => withFlag('--id', 'Acme Corp'), '--id a tenant id is 2 to 63 lower-case letters'],
  ] as [string, () => string[], string][])('refuses %s, naming the field, and writes nothing', async (_case, args, message) => {
    const before = await storedCounts();
    const result = await tally(['tenants', 'add', ...args().map((arg) => (arg === 'acme' ? 'other' : arg))]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[INPUT_INVALID]');
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain(zendesk.token);
    expect(await storedCounts()).toBe(before);
  });

  it('refuses an id that exists in the other region: a region never changes', async () => {
    const before = await storedCounts();
    const result = await tally(['tenants', 'add', ...withFlag('--region', 'us')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a tenant acme already exists (in region eu)');
    expect(result.stderr).toContain('[TENANT_EXISTS]');
    expect(await storedCounts()).toBe(before);
    expect(await regions.router.regionOf('acme')).toBe('eu');
  });

  it('lists and shows tenants without secrets', async () => {
    const list = await tally(['tenants', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^TENANT\s+REGION\s+STATUS/);
    expect(list.stdout).toMatch(/acme\s+eu\s+active\s+Europe\/Berlin/);
    const show = await tally(['tenants', 'show', '--id', 'acme']);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: 'acme', region: 'eu' });
    expect(show.stdout).not.toContain(zendesk.token);
    const missing = await tally(['tenants', 'show', '--id', 'nobody']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no tenant nobody in any configured region');
  });

  it('rewraps a region with tally keys rewrap', async () => {
    const result = await tally(['keys', 'rewrap', '--region', 'eu']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ region: 'eu', tenantKeys: 1 });
  });

  it('of two concurrent adds of one id in two regions, exactly one wins; the other gets TENANT_EXISTS (issue 15, item 8)', { timeout: 120_000 }, async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = `clash-${attempt}`;
      const args = (region: string) => ['tenants', 'add', ...withFlag('--region', region).map((arg) => (arg === 'acme' ? id : arg))];
      const results = await Promise.all([tally(args('us')), tally(args('eu'))]);
      const codes = results.map((result) => result.code).sort();
      expect(codes, `attempt ${attempt}: ${results.map((result) => result.stderr).join(' | ')}`).toEqual([0, 2]);
      const loser = results.find((result) => result.code === 2);
      expect(loser?.stderr).toContain('[TENANT_EXISTS]');
      expect(loser?.stderr).not.toContain(zendesk.token);
      const holding: string[] = [];
      for (const region of ['us', 'eu'] as const) {
        const db = regions.router.region(region).db;
        if ((await db.collection('tenants').countDocuments({ _id: id as never })) > 0) holding.push(region);
        expect(await db.collection('keys').countDocuments({ tenantId: id })).toBe(holding.includes(region) ? 1 : 0);
      }
      expect(holding).toHaveLength(1);
    }
  });
});
