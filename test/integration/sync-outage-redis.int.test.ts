// `tally worker` through a Redis outage: this file's own Redis (test/helpers/outage-servers.ts),
// killed mid-sync and started again empty, as after a crash without persistence. The
// worker must stay up, every stream must checkpoint again (issue 15, item 2: the fence
// counter lived only in Redis, so the cursors refused every new lease with
// CHECKPOINT_FENCED), and the facts and buckets must equal an undisturbed run's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAMS } from '../../schemas/records.js';
import { closeOutage, expectSettledLikeReference, type OutageScenario, REGION, restart, SETTLE_MS, startOutageScenario, until } from '../helpers/outage-scenario.js';
import { type OwnServer, startOwnRedis } from '../helpers/outage-servers.js';
import { startTwoRegions, type TwoRegions } from '../helpers/two-regions.js';

/** Fences the reference tenant reaches before the reset: retries after it draw far fewer in a minute. */
const MIN_FENCE = 10;

let redisServer: OwnServer | undefined;
let regions: TwoRegions | undefined;
let scenario: OutageScenario;

beforeAll(async () => {
  redisServer = await startOwnRedis();
  // The fleet's own connection (queues, statuses) reads REDIS_URL too.
  process.env['REDIS_URL'] = redisServer.url;
  regions = await startTwoRegions();
  scenario = await startOutageScenario(regions, redisServer.url);
}, SETTLE_MS + 120_000);

afterAll(() => closeOutage(redisServer, scenario, regions), 300_000);

describe('tally worker through a Redis outage', { timeout: SETTLE_MS + 200_000 }, () => {
  it('Redis killed mid-sync and back empty: every stream checkpoints again, and the results equal an undisturbed run', async () => {
    const { fleet, reference } = scenario;
    const cursors = () => (regions as TwoRegions).router.region(REGION).cursors();
    // The reference tenant keeps syncing until its stored fences are well above what a
    // counter that starts over draws in the minute after the reset.
    const fencesOf = async (tenantId: string) =>
      new Map(await Promise.all(STREAMS.map(async (stream) => [stream, Number((await cursors().findOne({ _id: `${tenantId}:${stream}` }))?.leaseToken)] as const)));
    await until('every stream of calm to have checkpointed under ten leases', async () => [...(await fencesOf('calm')).values()].every((fence) => fence >= MIN_FENCE), 120_000, 1_000);
    await scenario.addTenant('storm');
    await until('a ticket events backfill of storm mid-way', () => scenario.midBackfill('storm'), 180_000, 100);
    const before = await fencesOf('calm');
    const restartedAt = await restart(redisServer as OwnServer, 2_000);

    await expectSettledLikeReference(scenario, 'storm', restartedAt);
    // Both tenants' streams moved their checkpoints after the reset and none was fenced out.
    const calm = await until('calm to catch up after the reset', () => scenario.settled('calm', restartedAt), 60_000, 1_000);
    expect(calm.daily).toEqual(reference.daily);
    for (const tenantId of ['calm', 'storm']) {
      for (const stream of STREAMS) {
        const status = await fleet.status(REGION).read(tenantId, stream);
        expect(status.lastErrorCode, `${tenantId}:${stream}`).not.toBe('CHECKPOINT_FENCED');
        const cursor = await cursors().findOne({ _id: `${tenantId}:${stream}` });
        expect(cursor?.updatedAt?.getTime(), `${tenantId}:${stream} checkpointed after the reset`).toBeGreaterThan(restartedAt);
        if (tenantId === 'calm') expect(Number(cursor?.leaseToken), `calm:${stream} fences keep growing`).toBeGreaterThan(before.get(stream) ?? Infinity);
      }
    }
  });
});
