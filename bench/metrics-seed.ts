/**
 * A tenant of `agents` sealed agents with a daily bucket each for `days` days up to and
 * including the last, numbers varying by agent and day, every bucket in one of three
 * groups and one brand: what bench:metrics and bench:http read.
 */
import type { StoredDaily, StoredTenant } from '../schemas/records.js';
import { storedIds } from '../schemas/records.js';
import { histogramOf } from '../src/metrics/minute-histogram.js';
import { encodeSlices } from '../src/metrics/rollup-codec.js';
import { sealedAgent, seedTenant } from '../test/helpers/seed-agent.js';
import type { BenchRegion } from './privacy-bench.js';

/** The groups and brand of the seeded slices. */
const GROUPS = [360_000_100_001, 360_000_100_002, 360_000_100_003];
const BRAND = 360_000_200_001;
export const FIRST_AGENT = 360_000_200_000;

export async function seedMetricsTenant(region: BenchRegion, tenantId: string, agents: number, from: string, days: number): Promise<StoredTenant> {
  const database = region.router.region('us');
  const tenant = await seedTenant(database, region.keyring, tenantId);
  for (let at = 0; at < agents; at += 100) {
    const batch = [];
    for (let agentId = FIRST_AGENT + at; agentId < FIRST_AGENT + Math.min(agents, at + 100); agentId++) {
      batch.push(await sealedAgent(region.keyring, tenant._id, agentId, `Agent ${agentId}`, `agent-${agentId}@support.example`));
    }
    await database.agents.upsertMany(batch);
  }
  const daily = database.db.collection<StoredDaily>('daily');
  let batch: StoredDaily[] = [];
  const minutes = (n: number, first: number, step: number) => histogramOf(Array.from({ length: n }, (_, i) => first + i * step));
  for (let offset = 0; offset < days; offset++) {
    const day = new Date(Date.parse(`${from}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    for (let index = 0; index < agents; index++) {
      const agentId = FIRST_AGENT + index;
      const n = (offset * 7 + index) % 11;
      const measures = {
        solves: n,
        reopens: n % 3,
        publicReplies: 2 * n,
        ticketsTouched: n + 1,
        handleTimeSeconds: 300 * n,
        ticketsWithHandleTime: n,
        csatGood: n % 4,
        csatBad: n % 2,
        oneTouchTickets: n % 5,
        firstReplyMinutes: minutes(n, 5, 13),
        fullResolutionMinutes: minutes(n, 60, 97),
        requesterWaitMinutes: minutes(n, 30, 41),
        agentWorkMinutes: minutes(n, 10, 7),
        firstReplyBusinessMinutes: minutes(n, 2, 5),
        fullResolutionBusinessMinutes: minutes(n, 20, 31),
        requesterWaitBusinessMinutes: minutes(n, 10, 17),
        agentWorkBusinessMinutes: minutes(n, 4, 3),
      };
      // Most agent-days fall in one group and brand; the slice is the day's measures.
      const slices = encodeSlices([{ agentId, groupId: GROUPS[index % GROUPS.length] as number, brandId: BRAND, ...measures }]);
      batch.push({ _id: storedIds.daily(tenant._id, agentId, day), tenantId: tenant._id, agentId, day, ...measures, slices, updatedAt: new Date() });
      if (batch.length === 1000) {
        await daily.insertMany(batch, { ordered: false });
        batch = [];
      }
    }
  }
  if (batch.length > 0) await daily.insertMany(batch, { ordered: false });
  return tenant;
}
