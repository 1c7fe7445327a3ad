/**
 * Each agent's totals over a range of local days, read from rollups where they are
 * current and from the daily buckets where not (docs/metrics.md#rollups): the range is
 * cut into months, blocks and days (rollup-plan.ts); a segment whose rollup carries the
 * stamp of its days' current versions is read from it, any other is summed from its
 * children (a month from its blocks, a block from its days, a day from its buckets)
 * and its rollup saved for the next read. A day whose buckets are being written has no
 * stamp: it is read from the buckets and nothing over it is saved. The result is always
 * the sum of the daily buckets as they are; rollups only make it faster.
 */
import { getHeapStatistics } from 'node:v8';
import { LRUCache } from 'lru-cache';
import type { StoredRollup } from '../../schemas/records.js';
import type { DailyStore, DayVersion, RollupStore } from '../store/ports.js';
import { type SliceTotals, sumTotals } from './measure-totals.js';
import { addDay, type AgentTotals } from './metrics-report.js';
import { decodeSlices, decodeTotals, encodeSlices, encodeTotals } from './rollup-codec.js';
import { childrenOf, monthsOf, rollupId, type Segment, segmentsOf, stampOf } from './rollup-plan.js';
import type { WrittenBuckets } from './written-buckets.js';

const MB = 1024 * 1024;

/**
 * At most `bytes`, and at most 1/`part` of the heap this process may use: the worker
 * image allows 256 MB (the Dockerfile's NODE_OPTIONS), and caches as large as the
 * heap ran a worker warming ten tenants' rollups at once out of memory
 * (docs/metrics.md#in-process-caches).
 */
function heapShare(bytes: number, part: number): number {
  return Math.min(bytes, Math.floor(getHeapStatistics().heap_size_limit / part));
}

/**
 * Decoded rollups of this process, by rollup id, stamp and whether slices are in: a
 * rollup with a given stamp never changes (a write to its days changes the stamp), so
 * a read that finds its segment here reads neither the rollup document nor its string.
 * This is what lets `tally serve` answer the same range many times a second: reading
 * and decoding the rollups was most of a request. Agent ids and numbers only.
 */
const DECODED = new LRUCache<string, Map<number, AgentTotals>>({ maxSize: heapShare(256 * MB, 5), sizeCalculation: bytesOf });
/**
 * Whole ranges' sums, by tenant, range, whether slices are in and the stamps of every
 * segment: the same question over the same stamps has the same answer, so a dashboard
 * asking it again does not merge the segments' histograms again. A range with a day
 * being written (no stamp) is never kept. Agent ids and numbers only.
 */
const SUMMED = new LRUCache<string, Map<number, AgentTotals>>({ maxSize: heapShare(128 * MB, 10), sizeCalculation: bytesOf });
/**
 * One agent's totals (or one slice's) in memory: 17 measures and 8 histograms came to
 * about 2.3 KB in a heap snapshot of a worker warming ten tenants; rounded up. Sizes
 * counted from the payloads' length instead were a quarter of the truth, and the
 * caches grew past the heap.
 */
const BYTES_PER_TOTALS = 3 * 1024;

function bytesOf(totals: Map<number, AgentTotals>): number {
  let entries = 0;
  for (const agent of totals.values()) entries += 1 + (agent.slices?.size ?? 0);
  return Math.max(1024, entries * BYTES_PER_TOTALS);
}

/** Forgets every decoded rollup and summed range of this process (benchmarks measure a first read with it). */
export function clearDecodedRollups(): void {
  DECODED.clear();
  SUMMED.clear();
}

const decodedKey = (id: string, stamp: string, slices: boolean) => `${id}|${stamp}|${slices ? 'slices' : 'totals'}`;
function remember(key: string, totals: Map<number, AgentTotals>): void {
  DECODED.set(key, totals);
}

export interface RangeTotalsDeps {
  readonly daily: Pick<DailyStore, 'range'>;
  readonly rollups: RollupStore;
  readonly now: () => Date;
  /** Once aborted, the read stops before its next segment, throwing the signal's reason (a worker's warm-up on SIGTERM). */
  readonly signal?: AbortSignal;
  /**
   * Asked before each rollup is saved; false (the tenant is being offboarded) saves
   * nothing more, so no rollup is written after offboarding deleted the tenant's.
   */
  readonly mayCache?: () => Promise<boolean>;
  /** Buckets a sync's recompute has just written, summed instead of read back where the day's version is still theirs (docs/metrics.md#handed-buckets). */
  readonly written?: Pick<WrittenBuckets, 'take'>;
}

/** What a read did, for benchmarks and tests: rollups used and saved, days summed from buckets read, and from buckets handed over. */
export interface RangeTotalsStats {
  used: number;
  saved: number;
  bucketDays: number;
  handedDays: number;
}

export async function rangeTotals(
  deps: RangeTotalsDeps,
  tenantId: string,
  from: string,
  to: string,
  stats: RangeTotalsStats = { used: 0, saved: 0, bucketDays: 0, handedDays: 0 },
  options: { readonly slices?: boolean } = {},
): Promise<Map<number, AgentTotals>> {
  const wantSlices = options.slices === true;
  const versions: ReadonlyMap<string, DayVersion> = await deps.rollups.dayVersions(tenantId, monthsOf(from, to));
  /** Rollups read so far by id (null: looked for, not stored). */
  const known = new Map<string, Pick<StoredRollup, 'stamp' | 'payload' | 'slices'> | null>();
  let caching = true;
  const inMemory = (segment: Segment, slices: boolean) => {
    const stamp = stampOf(segment, versions);
    return stamp !== null && DECODED.has(decodedKey(rollupId(tenantId, segment), stamp, slices));
  };
  const fetch = async (segments: readonly Segment[], slices: boolean) => {
    const ids = segments.filter((segment) => !inMemory(segment, slices)).map((segment) => rollupId(tenantId, segment)).filter((id) => !known.has(id));
    for (const id of ids) known.set(id, null);
    for (const rollup of await deps.rollups.find(tenantId, ids)) known.set(rollup._id, rollup);
  };

  /** A segment's totals, with slices when asked; a segment summed from its children always gets both, so its rollup is whole. */
  const totalsOf = async (segment: Segment, slices: boolean): Promise<Map<number, AgentTotals>> => {
    deps.signal?.throwIfAborted();
    const id = rollupId(tenantId, segment);
    const stamp = stampOf(segment, versions);
    const hit = stamp === null ? undefined : DECODED.get(decodedKey(id, stamp, slices));
    if (hit) {
      stats.used++;
      return hit;
    }
    if (!known.has(id)) await fetch([segment], slices);
    const stored = known.get(id);
    if (stamp !== null && stored?.stamp === stamp && (!slices || stored.slices !== undefined)) {
      try {
        const totals = decodeTotals(stored.payload);
        if (slices) attachSlices(totals, decodeSlices(stored.slices as string));
        stats.used++;
        remember(decodedKey(id, stamp, slices), totals);
        return totals;
      } catch {
        // Not a payload this version reads: rebuilt below.
      }
    }
    const totals = new Map<number, AgentTotals>();
    const version = segment.level === 'day' && stamp !== null ? versions.get(segment.start)?.version : undefined;
    const handed = version === undefined ? undefined : deps.written?.take(tenantId, segment.start, version);
    if (handed) {
      for (const bucket of handed) addDay(totals, bucket, true);
      stats.handedDays++;
    } else if (segment.level === 'day') {
      for await (const bucket of deps.daily.range(tenantId, segment.start, segment.end)) addDay(totals, bucket, true);
      stats.bucketDays++;
    } else {
      const children = childrenOf(segment);
      await fetch(children, true);
      // One child at a time: three at once made the worker's freshness at ten tenants worse (6.4 → 7.3-8.0 s median).
      for (const child of children) for (const agent of (await totalsOf(child, true)).values()) addDay(totals, agent, true);
    }
    if (stamp !== null && caching && (deps.mayCache === undefined || (caching = await deps.mayCache()))) {
      const payload = encodeTotals(totals.values());
      const encodedSlices = encodeSlices([...totals.values()].flatMap((agent) => [...(agent.slices?.values() ?? [])]));
      await deps.rollups.save({ _id: id, tenantId, level: segment.level, start: segment.start, end: segment.end, stamp, payload, slices: encodedSlices, updatedAt: deps.now() });
      known.set(id, { stamp, payload, slices: encodedSlices });
      stats.saved++;
      // Built with its slices: it answers both kinds of read.
      remember(decodedKey(id, stamp, true), totals);
      remember(decodedKey(id, stamp, false), totals);
    }
    return totals;
  };

  const segments = segmentsOf(from, to);
  const stamps = segments.map((segment) => stampOf(segment, versions));
  const summedKey = stamps.includes(null) ? null : `${tenantId}|${from}|${to}|${wantSlices ? 'slices' : 'totals'}|${stamps.join(',')}`;
  const summed = summedKey === null ? undefined : SUMMED.get(summedKey);
  if (summed) {
    stats.used += segments.length;
    return summed;
  }
  await fetch(segments, wantSlices);
  const parts = new Map<number, AgentTotals[]>();
  for (const segment of segments) {
    for (const agent of (await totalsOf(segment, wantSlices)).values()) {
      const list = parts.get(agent.agentId);
      if (list) list.push(agent);
      else parts.set(agent.agentId, [agent]);
    }
  }
  const totals = new Map([...parts].map(([agentId, list]) => [agentId, sumTotals(agentId, list, wantSlices)]));
  // Stamps read before the segments: a write since then changed them, so this key is never served stale.
  if (summedKey !== null) SUMMED.set(summedKey, totals);
  return totals;
}

function attachSlices(totals: Map<number, AgentTotals>, slices: readonly SliceTotals[]): void {
  for (const slice of slices) {
    const agent = totals.get(slice.agentId);
    if (!agent) continue;
    (agent.slices ??= new Map()).set(`${slice.groupId}|${slice.brandId}`, slice);
  }
}
