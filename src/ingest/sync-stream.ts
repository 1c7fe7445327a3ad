/**
 * One stream of one tenant, one way: read the checkpoint, page, validate, store, mark
 * stale buckets, then advance the checkpoint (docs/architecture.md#data-flow). What
 * each stream pages and stores is its spec's (src/ingest/streams/); this driver knows
 * no stream by name. A crash at any point replays at most the pages after the last
 * checkpoint, and replays change nothing (facts are keyed by Zendesk ids; ticket
 * states skip events already applied). An aborted signal stops the sync after the
 * current page's checkpoint.
 */
import type { Stream, StoredTenant } from '../../schemas/records.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import { recomputeBuckets, staleBucketsOf } from '../metrics/recompute-buckets.js';
import type { WrittenBuckets } from '../metrics/written-buckets.js';
import { SuppressionGuard } from '../privacy/suppression-guard.js';
import type { RegionStores } from '../store/ports.js';
import { fetchingAhead, type RawPage } from '../zendesk/pagers.js';
import { localDay } from '../metrics/stored-daily.js';
import type { ZendeskClient } from '../zendesk/zendesk-client.js';
import { ZendeskError } from '../zendesk/zendesk-error.js';
import { initialPosition, reachedOf } from './checkpoints.js';
import type { StaffDirectory } from './staff-directory.js';
import { streamSpec } from './streams/index.js';
import { withoutSuppressedQuarantine } from './suppression-filter.js';
import type { SyncLocks } from './tenant-lock.js';
import { RunRatings } from './run-ratings.js';
import { TicketStateCache } from './ticket-state-cache.js';
import { validateRecords } from './validate-records.js';

export { RATING_LOOKBACK_S } from './checkpoints.js';
export { discoverTimeTrackingFields, LAST_TIME_FIELD_TITLE, TOTAL_TIME_FIELD_TITLE } from './streams/ticket-events.js';

export interface SyncContext {
  readonly tenant: StoredTenant;
  readonly database: RegionStores;
  readonly keyring: TenantKeyring;
  readonly client: ZendeskClient;
  readonly staff: StaffDirectory;
  readonly now: () => Date;
  readonly onPage?: (report: StreamReport) => void;
  readonly onStreamStart?: (stream: Stream) => void;
  /** Before each checkpoint write: renews the worker's sync lease and returns its fence token, or throws when it is lost. */
  readonly checkpointFence?: () => Promise<string>;
  /**
   * Checked after each page's checkpoint: once aborted, the sync throws the signal's
   * reason (SyncAbortedError when it is no Error); the job that aborted it decides
   * what that means (jobs/sync-job.ts: shutdown or lease lost).
   */
  readonly signal?: AbortSignal;
  /** Stops after this many pages (tests use it to simulate a crash between pages). */
  readonly maxPages?: number;
  /** Ticket events per export page (Zendesk's maximum, 1,000, by default); tests set page boundaries with it. */
  readonly ticketEventsPerPage?: number;
  /** Serialise what the tenant's streams write in common, across processes. */
  readonly locks: SyncLocks;
  /** Made from the database when absent; tests pass one to interleave with a purge. */
  readonly guard?: SuppressionGuard;
  /**
   * Leave the stale buckets to the caller, which recomputes them after its last stream
   * (src/ingest/sync-tenant.ts), unless the marks left for it grow past MAX_DEFERRED_MARKS.
   */
  readonly deferBuckets?: DeferredBuckets;
  /** Ticket states kept across streams (src/ingest/ticket-state-cache.ts); one per process, or per sync when absent. */
  readonly ticketStates?: TicketStateCache;
  /** The buckets of whole days this sync's flushes wrote, for its rollup warm-up (docs/metrics.md#handed-buckets). */
  readonly writtenBuckets?: WrittenBuckets;
}

export interface StreamReport {
  stream: Stream;
  status: 'running' | 'done' | 'unavailable' | 'auth_failed' | 'paused';
  pages: number;
  read: number;
  stored: number;
  quarantined: number;
  duplicates: number;
  /** Daily buckets recomputed. */
  buckets: number;
  /** How far the export has reached, as an ISO time. */
  reached: string | null;
}

/** A sync stopped by its signal, whose reason was no Error. */
export class SyncAbortedError extends Error {
  readonly code = 'SYNC_ABORTED';
  constructor(readonly reason: unknown) {
    super('the sync was stopped after its last checkpoint');
    this.name = 'SyncAbortedError';
  }
}

export async function syncStream(context: SyncContext, stream: Stream): Promise<StreamReport> {
  const { tenant, database } = context;
  const report: StreamReport = { stream, status: 'running', pages: 0, read: 0, stored: 0, quarantined: 0, duplicates: 0, buckets: 0, reached: null };
  if (tenant.status === 'auth_failed') return { ...report, status: 'auth_failed' };
  if (tenant.unavailableStreams.includes(stream)) return { ...report, status: 'unavailable' };
  const spec = streamSpec(stream);
  const ticketStates = { run: new TicketStateCache(), shared: context.ticketStates ?? new TicketStateCache() };
  const ratingsWritten = new RunRatings();
  const streamContext = { ...context, guard: context.guard ?? suppressionGuardOf(context), ticketStates, ratingsWritten };
  const { guard } = streamContext;
  // A purge rewrites the tickets and ratings that name its agent: what was kept from before it is read again.
  const forgetStates = () => {
    ticketStates.run.forget(tenant._id);
    ticketStates.shared.forget(tenant._id);
    ratingsWritten.forget();
  };
  const checkGuard = async () => {
    const known = guard.suppressedUsers();
    await guard.check();
    if (guard.suppressedUsers() !== known) forgetStates();
  };
  let batchesSinceFlush = 0;
  const flushUnlessDeferred = async () => {
    if (context.deferBuckets) return;
    report.buckets += await flushStaleBuckets(context);
    await checkGuard();
  };
  try {
    await checkGuard();
    const position = (await database.checkpoints.position(tenant._id, stream)) ?? initialPosition(stream, tenant);
    const schema = spec.schema(tenant);
    const pages = fetchingAhead(spec.pages(streamContext, position));
    const batching = { records: spec.batchRecords ?? 0, fullPage: spec.fullPage?.(context) ?? 0, ...(context.maxPages === undefined ? {} : { maxPages: context.maxPages }) };
    for await (const page of fetchingAhead(batchedPages(pages, batching))) {
      // Quarantine entries name a record whose id is no Zendesk id by a keyed hash of it, never the text.
      const validation = { tenantId: tenant._id, stream, at: context.now(), hashId: await context.keyring.recordIdHasher(tenant._id) };
      const { valid, quarantined } = validateRecords(page.records, schema, validation);
      const known = guard.suppressedUsers();
      const outcome = await spec.store(streamContext, valid);
      if (guard.suppressedUsers() !== known) forgetStates();
      // After the store: it may have learnt a suppressed user.
      const quarantinedCount = await database.quarantined.add(withoutSuppressedQuarantine(quarantined, guard.isSuppressed));
      if (outcome.facts && outcome.facts.length > 0) {
        const stale = await staleBucketsOf(database.facts, tenant._id, [...outcome.facts], outcome.earlierRatingsIncluded);
        await database.staleBuckets.mark(stale);
        batchesSinceFlush++;
        if (context.deferBuckets) context.deferBuckets.marks += stale.length;
      }
      await checkGuard();
      const checkpoint = outcome.stopAt ?? page.checkpoint;
      await database.checkpoints.save(tenant._id, stream, checkpoint, context.now(), await context.checkpointFence?.());
      const reachedMs = Date.parse(reachedOf(checkpoint) ?? '');
      if (outcome.ticketStates && !Number.isNaN(reachedMs)) ticketStates.shared.set(outcome.ticketStates, reachedMs);
      report.pages += page.pages;
      report.read += page.records.length;
      report.stored += outcome.stored;
      report.quarantined += quarantinedCount;
      report.duplicates += outcome.duplicates ?? 0;
      report.reached = reachedOf(checkpoint) ?? report.reached;
      const deferred = context.deferBuckets;
      if (deferred ? deferred.marks >= MAX_DEFERRED_MARKS : batchesSinceFlush >= FLUSH_EVERY_BATCHES) {
        if (deferred) deferred.marks = 0;
        // Only the days this stream has moved past: the day it is filling is recomputed once, when it is full.
        const reached = report.reached === null ? null : localDay(new Date(report.reached), tenant.timeZone);
        report.buckets += await flushStaleBuckets(context, reached ?? undefined);
        await checkGuard();
        batchesSinceFlush = 0;
      }
      context.onPage?.({ ...report });
      stopIfAborted(context.signal);
      if (outcome.stopAt !== undefined) break;
      if (context.maxPages !== undefined && report.pages >= context.maxPages) {
        await flushUnlessDeferred();
        return { ...report, status: 'paused' };
      }
    }
    await flushUnlessDeferred();
    return { ...report, status: 'done' };
  } catch (error) {
    if (error instanceof ZendeskError && error.code === 'ZD_AUTH') {
      await database.tenants.update(tenant._id, { status: 'auth_failed' }, context.now());
      return { ...report, status: 'auth_failed' };
    }
    if (error instanceof ZendeskError && error.code === 'ZD_FORBIDDEN') {
      await database.tenants.update(tenant._id, { unavailableStreams: [...new Set([...tenant.unavailableStreams, stream])] }, context.now());
      return { ...report, status: 'unavailable' };
    }
    throw error;
  }
}

function stopIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof Error ? signal.reason : new SyncAbortedError(signal.reason);
}

/**
 * Buckets are recomputed once per run of batches rather than per batch: a backfill
 * touches each day from many pages, and each recomputation reads the whole day.
 */
const FLUSH_EVERY_BATCHES = 25;

/** The stale marks a sync that defers its flushes has left so far (shared by its streams). */
export interface DeferredBuckets {
  marks: number;
}

/**
 * Deferred marks beyond this and the stream flushes the days it has passed anyway: the
 * final flush lists every mark at once, and a backfill of a million events makes about
 * as many (docs/architecture.md#bucket-flushes).
 */
const MAX_DEFERRED_MARKS = 150_000;

/** Consecutive pages stored and checkpointed as one: what the driver loops over. */
interface PageBatch extends RawPage {
  /** Zendesk pages in the batch. */
  readonly pages: number;
}

/**
 * Joins pages until they hold `records` records (0: every page alone), a page holds
 * fewer than `fullPage` records, the stream ends, or `maxPages` pages in all were read.
 * A batch checkpoints at its last page's checkpoint, so a crash replays at most its
 * pages, as with one page.
 */
export async function* batchedPages(
  pages: AsyncGenerator<RawPage>,
  limits: { readonly records: number; readonly fullPage: number; readonly maxPages?: number },
): AsyncGenerator<PageBatch> {
  let read = 0;
  let batch: { records: unknown[]; pages: number; last: RawPage } | null = null;
  for await (const page of pages) {
    read++;
    batch = batch ? { records: batch.records.concat(page.records), pages: batch.pages + 1, last: page } : { records: [...page.records], pages: 1, last: page };
    const atLimit = limits.maxPages !== undefined && read >= limits.maxPages;
    if (batch.records.length >= limits.records || page.records.length < limits.fullPage || page.endOfStream || atLimit) {
      yield { records: batch.records, checkpoint: page.checkpoint, endOfStream: page.endOfStream, pages: batch.pages };
      batch = null;
      if (atLimit) return;
    }
  }
  if (batch) yield { records: batch.records, checkpoint: batch.last.checkpoint, endOfStream: batch.last.endOfStream, pages: batch.pages };
}

/** The sync's view of the tenant's suppressions, erasing a user suppressed while it runs. */
export function suppressionGuardOf(context: Pick<SyncContext, 'database' | 'tenant' | 'keyring' | 'staff' | 'now'>): SuppressionGuard {
  const { database, tenant } = context;
  return new SuppressionGuard({
    tenantId: tenant._id,
    suppressions: database.suppressions,
    purges: database.purges,
    tenants: database.tenants,
    agentData: database.agentData,
    keys: database.keys,
    forgetKey: (tenantId, agentId) => context.keyring.forget(tenantId, agentId),
    onSuppressed: (userId) => context.staff.markStaff(userId, false),
    now: context.now,
  });
}

/**
 * Recomputes every bucket marked stale (this run's, or a crashed run's) and clears the
 * marks, holding the tenant's bucket lock. A flush that lost the lock on the way marks
 * its buckets again: another flush may have written newer numbers in between, which
 * this one's older ones overwrote, so the next flush recomputes them.
 */
export async function flushStaleBuckets(
  context: {
    readonly tenant: StoredTenant;
    readonly database: Pick<RegionStores, 'staleBuckets' | 'facts' | 'daily'>;
    readonly now: () => Date;
    readonly locks: SyncLocks;
    readonly writtenBuckets?: WrittenBuckets;
  },
  /** Only buckets of days before this one (YYYY-MM-DD); the rest stay marked. */
  beforeDay?: string,
): Promise<number> {
  const { tenant, database } = context;
  return context.locks.buckets.hold(tenant._id, async (stillHeld) => {
    const listed = await database.staleBuckets.list(tenant._id);
    const stale = beforeDay === undefined ? listed : listed.filter((bucket) => bucket.day < beforeDay);
    if (stale.length === 0) return 0;
    const { buckets } = await recomputeBuckets(
      { facts: database.facts, daily: database.daily, now: context.now, ...(context.writtenBuckets ? { written: context.writtenBuckets } : {}) },
      { id: tenant._id, timeZone: tenant.timeZone },
      stale,
    );
    if (await stillHeld()) await database.staleBuckets.clear(stale);
    else await database.staleBuckets.mark(stale.map(({ markIds, ...bucket }) => (void markIds, bucket)));
    return buckets;
  });
}
