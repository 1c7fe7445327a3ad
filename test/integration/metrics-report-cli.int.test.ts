// `tally metrics` report features as an operator runs them, on FerretDB with sealed
// names (docs/metrics.md#output): --format csv with hostile agent names, --compare
// previous, and --agent --daily. Numbers are worked out by hand from the buckets below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantKeyring } from '../../src/crypto/tenant-keyring.js';
import { histogramOf } from '../../src/metrics/minute-histogram.js';
import { encodeSlices } from '../../src/metrics/rollup-codec.js';
import type { RegionDatabase } from '../../src/store/mongo/region-database.js';
import { bucket } from '../contract/fixtures.js';
import { sealedAgent, seedTenant } from '../helpers/seed-agent.js';
import { runTally } from '../helpers/tally-cli.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

const TENANT = 'report-cli';
/** Names a spreadsheet would run as formulas, or that break naive CSV. */
const HOSTILE = new Map([
  [7, { name: "=cmd|' /C calc'!A0", email: '+ada@example.test' }],
  [8, { name: '@SUM(1+1)*cmd|" /C calc"!A0', email: 'bo@example.test' }],
  [9, { name: '-2+3, "quoted"\nsecond line', email: 'cy@example.test' }],
]);

/** A group name that is a formula and carries a terminal escape. */
const GROUP_NAME = '=HYPERLINK("x")\u001b[2J Tier 2';

let regions: TwoRegions;
let database: RegionDatabase;
let keyring: TenantKeyring;

beforeAll(async () => {
  regions = await startTwoRegions();
  database = regions.router.region('eu');
  keyring = regions.keyring('eu');
  const tenant = await seedTenant(database, keyring, TENANT);
  for (const [agentId, { name, email }] of HOSTILE) await database.agents.upsertMany([await sealedAgent(keyring, tenant._id, agentId, name, email)]);
  await database.dimensions.upsertMany([
    { _id: `${TENANT}:group:501`, tenantId: TENANT, kind: 'group', zendeskId: 501, name: await keyring.sealDimensionName(TENANT, 'group', 501, GROUP_NAME), updatedAt: new Date() },
  ]);
  await database.daily.replace(
    [
      // The range 2026-03-08..14 and the week before, 03-01..07.
      bucket(TENANT, 7, '2026-03-09', {
        solves: 5,
        csatGood: 3,
        csatBad: 1,
        handleTimeSeconds: 600,
        ticketsWithHandleTime: 2,
        // 3 of the 5 solves in group 501, 2 in group 502, all in brand 601.
        slices: encodeSlices([
          { ...bucket(TENANT, 7, '2026-03-09', { solves: 3, csatGood: 3, csatBad: 1, ticketsTouched: 1 }), groupId: 501, brandId: 601 },
          { ...bucket(TENANT, 7, '2026-03-09', { solves: 2, handleTimeSeconds: 600, ticketsWithHandleTime: 2, ticketsTouched: 1 }), groupId: 502, brandId: 601 },
        ]),
      }),
      bucket(TENANT, 7, '2026-03-11', { solves: 1, firstReplyMinutes: histogramOf([12]) }),
      bucket(TENANT, 8, '2026-03-10', { solves: 2, handleTimeSeconds: -30, ticketsWithHandleTime: 0 }),
      bucket(TENANT, 7, '2026-03-02', { solves: 2, csatGood: 1, csatBad: 1 }),
      bucket(TENANT, 9, '2026-03-03', { solves: 4 }),
    ],
    [],
  );
}, 60_000);

afterAll(() => regions?.close());

const csvLines = (stdout: string) => stdout.split('\r\n').slice(0, -1);

describe('tally metrics report features', { timeout: 60_000 }, () => {
  it('--format csv: a header, one row per agent, RFC 4180 quoting, and every hostile name inert', async () => {
    const result = await runTally(['metrics', '--tenant', TENANT, '--from', '2026-03-01', '--to', '2026-03-14', '--format', 'csv'], regions.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.endsWith('\r\n')).toBe(true);
    const header = result.stdout.slice(0, result.stdout.indexOf('\r\n')).split(',');
    expect(header.slice(0, 6)).toEqual(['agentId', 'name', 'email', 'solves', 'reopens', 'publicReplies']);
    expect(header).toContain('firstReplyMinutes.median');
    expect(result.stdout).toContain(`\r\n7,'=cmd|' /C calc'!A0,'+ada@example.test,8,`);
    expect(result.stdout).toContain(`\r\n8,"'@SUM(1+1)*cmd|"" /C calc""!A0",bo@example.test,2,`);
    expect(result.stdout).toContain(`\r\n9,"'-2+3, ""quoted""\nsecond line",cy@example.test,4,`);
    // A negative number stays a number.
    expect(result.stdout).toMatch(/\r\n8,[^\r]*,2,0,0,1,-30,0,/);
    // No unescaped cell begins with a formula character: every field after a separator.
    for (const field of result.stdout.split(/,|\r\n/)) expect(field).not.toMatch(/^"?[=+@\t\r]/);
  });

  it('--compare previous --format json: both ranges, each agent side by side, with deltas', async () => {
    const result = await runTally(['metrics', '--tenant', TENANT, '--from', '2026-03-08', '--to', '2026-03-14', '--compare', 'previous', '--format', 'json'], regions.env);
    expect(result.code, result.stderr).toBe(0);
    const comparison = JSON.parse(result.stdout) as {
      previous: { from: string; to: string };
      agents: { agentId: number; name: string; current: { solves: number; csatScore: number | null } | null; previous: { solves: number } | null; delta: { solves: number; csatScore: number | null } }[];
    };
    expect(comparison.previous).toEqual({ from: '2026-03-01', to: '2026-03-07' });
    expect(comparison.agents.map((agent) => [agent.agentId, agent.current?.solves ?? null, agent.previous?.solves ?? null, agent.delta.solves])).toEqual([
      [7, 6, 2, 4],
      [8, 2, null, 2],
      [9, null, 4, -4],
    ]);
    // CSAT 3/4 now, 1/2 before.
    expect(comparison.agents[0]?.delta.csatScore).toBe(0.25);
    expect(comparison.agents[0]?.name).toBe(HOSTILE.get(7)?.name);
  });

  it('--compare previous as a table fits 80 columns and shows the changes', async () => {
    const result = await runTally(['metrics', '--tenant', TENANT, '--from', '2026-03-08', '--to', '2026-03-14', '--compare', 'previous'], regions.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('compared with 2026-03-01 to 2026-03-07');
    // Names are cut, and their line breaks and escapes never reach the terminal.
    expect(result.stdout).not.toContain('\nsecond line');
    expect(result.stdout).toMatch(/6 \+4/);
    expect(Math.max(...result.stdout.trimEnd().split('\n').map((line) => line.length))).toBeLessThanOrEqual(80);
  });

  it('--agent --daily: every day of the range, zeros between, as JSON and CSV', async () => {
    const json = await runTally(['metrics', '--tenant', TENANT, '--from', '2026-03-08', '--to', '2026-03-12', '--agent', '7', '--daily', '--format', 'json'], regions.env);
    expect(json.code, json.stderr).toBe(0);
    const series = JSON.parse(json.stdout) as { agent: { agentId: number }; days: { day: string; solves: number; firstReplyMinutes: { count: number } }[] };
    expect(series.agent.agentId).toBe(7);
    expect(series.days.map((day) => [day.day, day.solves, day.firstReplyMinutes.count])).toEqual([
      ['2026-03-08', 0, 0],
      ['2026-03-09', 5, 0],
      ['2026-03-10', 0, 0],
      ['2026-03-11', 1, 1],
      ['2026-03-12', 0, 0],
    ]);
    const csv = await runTally(['metrics', '--tenant', TENANT, '--from', '2026-03-08', '--to', '2026-03-12', '--agent', '7', '--daily', '--format', 'csv'], regions.env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csvLines(csv.stdout)).toHaveLength(6);
    expect(csvLines(csv.stdout)[2]?.startsWith('2026-03-09,5,')).toBe(true);
  });

  it('--group and --brand: only the work done in them, the group named in the header (sealed at rest)', async () => {
    const json = await runTally(['metrics', '--tenant', TENANT, '--from', '2026-03-08', '--to', '2026-03-14', '--group', '501', '--format', 'json'], regions.env);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { group: { id: number; name: string }; agents: { agentId: number; solves: number; csatScore: number | null; handleTimeSeconds: number }[] };
    expect(report.group).toEqual({ id: 501, name: GROUP_NAME });
    expect(report.agents.map(({ agentId, solves, csatScore, handleTimeSeconds }) => ({ agentId, solves, csatScore, handleTimeSeconds }))).toEqual([
      { agentId: 7, solves: 3, csatScore: 0.75, handleTimeSeconds: 0 }, // 03-09's slice (501, 601); 03-11 has no slice in 501
    ]);
    const brand = await runTally(['metrics', '--tenant', TENANT, '--from', '2026-03-08', '--to', '2026-03-14', '--brand', '601', '--agent', '7', '--format', 'json'], regions.env);
    expect(brand.code, brand.stderr).toBe(0);
    expect((JSON.parse(brand.stdout) as { agents: { solves: number; handleTimeSeconds: number }[] }).agents.map((agent) => [agent.solves, agent.handleTimeSeconds])).toEqual([[5, 600]]);
    const table = await runTally(['metrics', '--tenant', TENANT, '--from', '2026-03-08', '--to', '2026-03-14', '--group', '501'], regions.env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('group =HYPERLINK("x") [2J Tier 2 (501)');
    expect(table.stdout).not.toContain('\u001b');
    const csv = await runTally(['metrics', '--tenant', TENANT, '--from', '2026-03-08', '--to', '2026-03-14', '--group', '502', '--format', 'csv'], regions.env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csvLines(csv.stdout)).toHaveLength(2);
    expect(csvLines(csv.stdout)[1]).toMatch(/^7,'=cmd[^,]*,'\+ada@example.test,2,/);
    // The name is stored sealed: the document holds no byte of it in clear.
    const stored = await database.db.collection('dimensions').findOne({ _id: `${TENANT}:group:501` as never });
    expect(JSON.stringify(stored)).not.toContain('HYPERLINK');
  });

  it('refuses what does not combine, naming the flag', async () => {
    const cases: [string[], string][] = [
      [['--group', 'billing'], '--group must be a Zendesk group id'],
      [['--brand', '0'], '--brand must be a Zendesk brand id'],
      [['--daily', '--agent', '7', '--group', '501'], '--daily shows all of the agent'],
      [['--compare', 'last-year'], '--compare must be previous'],
      [['--daily'], '--daily needs --agent'],
      [['--daily', '--agent', '7', '--compare', 'previous'], '--compare and --daily do not combine'],
      [['--format', 'xlsx'], '--format must be table, json or csv'],
    ];
    for (const [flags, message] of cases) {
      const result = await runTally(['metrics', '--tenant', TENANT, '--from', '2026-03-08', '--to', '2026-03-12', ...flags], regions.env);
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });
});
