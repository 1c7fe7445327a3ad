/**
 * One stream of one tenant, one way: read the checkpoint, page, validate, minimise,
 * seal, write idempotently, then advance the checkpoint. A crash at any point
 * replays at most the pages after the last checkpoint, and replays change nothing
 * (facts are keyed by Zendesk ids; ticket states skip events already applied).
 */
import { DateTime } from 'luxon';
import type { Stream, StoredAgent, StoredFact, StoredTenant } from '../../schemas/records.js';
import { storedIds } from '../../schemas/records.js';
import {
  ZendeskMetricEventSchema,
  ZendeskRatingSchema,
  ticketEventSchemaFor,
  ZendeskTicketFieldSchema,
  ZendeskTicketSchema,
  ZendeskUserSchema,
} from '../../schemas/zendesk.js';
import type { TenantKeyring } from '../crypto/tenant-keyring.js';
import type { SyncLocks } from './tenant-lock.js';
import { recomputeBuckets, staleBucketsOf } from '../metrics/recompute-buckets.js';
import type { RegionDatabase } from '../store/mongo/region-database.js';
import { cursorExportPages, fetchingAhead, type RawPage, ticketEventPages, timeResumedPages } from '../zendesk/pagers.js';
import type { ZendeskClient } from '../zendesk/zendesk-client.js';
import { ZendeskError } from '../zendesk/zendesk-error.js';
import { mapMetricEvents } from './map-metric-events.js';
import { mapRatings } from './map-ratings.js';
import { assigneeAt, mapTicketEvents } from './map-ticket-events.js';
import { SuppressionGuard } from '../privacy/suppression-guard.js';
import type { StaffDirectory } from './staff-directory.js';
import { scrubTicket, withoutSuppressedQuarantine } from './suppression-filter.js';
import { validateRecords } from './validate-records.js';

/** Ratings re-read this far back on every run, to catch re-ratings of older records. */
export const RATING_LOOKBACK_S = 7 * 24 * 3600;

export const TOTAL_TIME_FIELD_TITLE = 'Total time spent (sec)';
export const LAST_TIME_FIELD_TITLE = 'Time spent last update (sec)';

export interface SyncContext {
  readonly tenant: StoredTenant;
  readonly database: RegionDatabase;
  readonly keyring: TenantKeyring;
  readonly client: ZendeskClient;
  readonly staff: StaffDirectory;
  readonly now: () => Date;
  readonly onPage?: (report: StreamReport) => void;
  readonly onStreamStart?: (stream: Stream) => void;
  /** Before each checkpoint write: renews the worker's sync lease and returns its fence token, or throws when it is lost. */
  readonly checkpointFence?: () => Promise<string>;
  /** Stops after this many pages (tests use it to simulate a crash between pages). */
  readonly maxPages?: number;
  /** Ticket events per export page (Zendesk's maximum, 1,000, by default); tests set page boundaries with it. */
  readonly ticketEventsPerPage?: number;
  /** Serialise what the tenant's streams write in common, across processes. */
  readonly locks: SyncLocks;
  /** Made from the database when absent; tests pass one to interleave with a purge. */
  readonly guard?: SuppressionGuard;
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

export async function syncStream(context: SyncContext, stream: Stream): Promise<StreamReport> {
  const { tenant, database } = context;
  const report: StreamReport = { stream, status: 'running', pages: 0, read: 0, stored: 0, quarantined: 0, duplicates: 0, buckets: 0, reached: null };
  if (tenant.status === 'auth_failed') return { ...report, status: 'auth_failed' };
  if (tenant.unavailableStreams.includes(stream)) return { ...report, status: 'unavailable' };
  let pagesSinceFlush = 0;
  const guard = context.guard ?? suppressionGuardOf(context);
  try {
    await guard.check();
    // Agents are exported from the beginning: their records predate any sync start.
    const position = (await database.checkpoints.position(tenant._id, stream)) ?? (stream === 'users' ? '0' : String(syncStartSeconds(tenant)));
    for await (const page of fetchingAhead(pagesOf(context, stream, position))) {
      const outcome = await storePage(context, guard, stream, page.records);
      if (outcome.facts && outcome.facts.length > 0) {
        await database.staleBuckets.mark(await staleBucketsOf(database.facts, tenant._id, outcome.facts));
        pagesSinceFlush++;
      }
      await guard.check();
      const checkpoint = outcome.checkpoint ?? page.checkpoint;
      await database.checkpoints.save(tenant._id, stream, checkpoint, context.now(), await context.checkpointFence?.());
      report.pages++;
      report.read += page.records.length;
      report.stored += outcome.stored;
      report.quarantined += outcome.quarantined;
      report.duplicates += outcome.duplicates;
      report.reached = reachedOf(checkpoint) ?? report.reached;
      if (pagesSinceFlush >= FLUSH_EVERY_PAGES) {
        report.buckets += await flushStaleBuckets(context);
        await guard.check();
        pagesSinceFlush = 0;
      }
      context.onPage?.({ ...report });
      if (outcome.stop) break;
      if (context.maxPages !== undefined && report.pages >= context.maxPages) {
        report.buckets += await flushStaleBuckets(context);
        await guard.check();
        return { ...report, status: 'paused' };
      }
    }
    report.buckets += await flushStaleBuckets(context);
    await guard.check();
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

/**
 * Buckets are recomputed once per batch of pages rather than per page: a backfill
 * touches each day from many pages, and each recomputation reads the whole day.
 */
const FLUSH_EVERY_PAGES = 25;

/** The sync's view of the tenant's suppressions, erasing a user suppressed while it runs. */
export function suppressionGuardOf(context: SyncContext): SuppressionGuard {
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
export async function flushStaleBuckets(context: Pick<SyncContext, 'tenant' | 'database' | 'now' | 'locks'>): Promise<number> {
  const { tenant, database } = context;
  return context.locks.buckets.hold(tenant._id, async (stillHeld) => {
    const stale = await database.staleBuckets.list(tenant._id);
    if (stale.length === 0) return 0;
    const { buckets } = await recomputeBuckets(
      { facts: database.facts, daily: database.daily, now: context.now },
      { id: tenant._id, timeZone: tenant.timeZone },
      stale,
    );
    if (await stillHeld()) await database.staleBuckets.clear(stale);
    else await database.staleBuckets.mark(stale.map(({ markIds, ...bucket }) => (void markIds, bucket)));
    return buckets;
  });
}

function pagesOf(context: SyncContext, stream: Stream, position: string): AsyncGenerator<RawPage> {
  const { client } = context;
  const nowS = Math.floor(context.now().getTime() / 1000);
  const clockS = () => Math.floor(context.now().getTime() / 1000);
  switch (stream) {
    case 'users':
      return cursorExportPages(client, 'incremental/users/cursor', 'users', position, nowS);
    case 'tickets':
      return cursorExportPages(client, 'incremental/tickets/cursor', 'tickets', position, nowS);
    case 'ticket_events':
      return ticketEventPages(client, Number(position), nowS, context.ticketEventsPerPage, clockS);
    case 'ticket_metric_events':
      return timeResumedPages(
        client,
        'incremental/ticket_metric_events',
        'ticket_metric_events',
        Number(position),
        (record) => timeOf((record as { time?: unknown }).time),
        clockS,
      );
    case 'satisfaction_ratings':
      return ratingPages(context, position);
  }
}

/**
 * Ratings are filtered on created_at, so a run starts RATING_LOOKBACK_S before the
 * last finished run to see re-ratings of older records. Within a run, checkpoints
 * say `partial:T`: a run resumed after a crash continues at T rather than looking
 * back again, so it always progresses.
 */
async function* ratingPages(context: SyncContext, position: string): AsyncGenerator<RawPage> {
  const partial = position.startsWith(PARTIAL);
  const reached = Number(partial ? position.slice(PARTIAL.length) : position);
  const start = partial ? reached : Math.max(syncStartSeconds(context.tenant), reached - RATING_LOOKBACK_S);
  const pages = timeResumedPages(
    context.client,
    'satisfaction_ratings',
    'satisfaction_ratings',
    start,
    (record) => timeOf((record as { created_at?: unknown }).created_at),
    () => Math.floor(context.now().getTime() / 1000),
  );
  for await (const page of pages) {
    // A run that ends keeps what it reached, never less than where the last run ended.
    const at = Math.max(Number(page.checkpoint), reached);
    yield { ...page, checkpoint: page.endOfStream ? String(at) : `${PARTIAL}${at}` };
  }
}

const PARTIAL = 'partial:';

interface PageOutcome {
  stored: number;
  quarantined: number;
  duplicates: number;
  /** The metric stream stops at what ticket events have reached. */
  stop: boolean;
  /** Facts of the page, whose daily buckets are recomputed before the checkpoint moves. */
  facts?: StoredFact[];
  /** Overrides the page's checkpoint when only part of the page was stored. */
  checkpoint?: string;
}

async function storePage(context: SyncContext, guard: SuppressionGuard, stream: Stream, records: unknown[]): Promise<PageOutcome> {
  const { tenant, database, staff } = context;
  const at = context.now();
  // Quarantine entries name a record whose id is no Zendesk id by a keyed hash of it, never the text.
  const validation = { tenantId: tenant._id, stream, at, hashId: await context.keyring.recordIdHasher(tenant._id) };
  const done = async (quarantine: Parameters<typeof database.quarantined.add>[0], stored: number, duplicates = 0, stop = false) => ({
    stored,
    duplicates,
    quarantined: await database.quarantined.add(withoutSuppressedQuarantine(quarantine, guard.isSuppressed)),
    stop,
  });

  switch (stream) {
    case 'users': {
      const { valid, quarantined } = validateRecords(records, ZendeskUserSchema, validation);
      const toSeal: typeof valid = [];
      for (const user of valid) {
        if (guard.isSuppressed(user.id)) continue;
        // A user without an email has no blind index, so no email suppression can name them.
        const emailIndex = await context.keyring.agentEmailIndex(tenant._id, user.email);
        const suppressedBy = emailIndex === undefined ? undefined : guard.emailSuppressedBy(emailIndex);
        if (suppressedBy !== undefined) {
          await guard.learnUser(user.id, suppressedBy);
          continue;
        }
        const isStaff = user.role === 'agent' || user.role === 'admin';
        staff.markStaff(user.id, isStaff);
        if (isStaff) toSeal.push(user);
      }
      // Only agents that passed the suppression checks get a data key.
      await context.keyring.prepareAgentKeys(tenant._id, toSeal.map((user) => user.id));
      const agents: StoredAgent[] = [];
      for (const user of toSeal) agents.push(await sealAgent(context.keyring, tenant._id, user));
      const written = await database.agents.upsertMany(agents);
      return done(quarantined, written.written);
    }
    case 'ticket_events': {
      const { valid, quarantined } = validateRecords(records, ticketEventSchemaFor(tenant.timeTrackingFields.total), validation);
      await staff.resolve(
        valid.flatMap((event) => [
          event.updater_id,
          ...event.child_events.flatMap((child) => [child.author_id ?? 0, typeof child.assignee_id === 'number' ? child.assignee_id : Number(child.assignee_id ?? 0)]),
        ]),
      );
      const known = await database.tickets.findMany(tenant._id, [...new Set(valid.map((event) => event.ticket_id))]);
      const mapped = mapTicketEvents(valid, known, {
        tenantId: tenant._id,
        timeZone: tenant.timeZone,
        totalTimeFieldId: tenant.timeTrackingFields.total,
        isStaff: staff.isStaff,
      });
      const written = await database.facts.insertMany(mapped.facts);
      await context.locks.tickets.hold(tenant._id, () => database.tickets.applyEvents(mapped.tickets.map((ticket) => scrubTicket(ticket, guard.isSuppressed))));
      return { ...(await done(quarantined, written.written, written.duplicates)), facts: mapped.facts };
    }
    case 'tickets': {
      const { valid, quarantined } = validateRecords(records, ZendeskTicketSchema, validation);
      const states = valid.map((ticket) =>
        scrubTicket(
          {
            _id: storedIds.ticket(tenant._id, ticket.id),
            tenantId: tenant._id,
            ticketId: ticket.id,
            assigneeId: ticket.assignee_id,
            groupId: ticket.group_id,
            status: ticket.status,
            updatedAt: new Date(ticket.generated_timestamp * 1000),
          },
          guard.isSuppressed,
        ),
      );
      const written = await context.locks.tickets.hold(tenant._id, () => database.tickets.reconcile(states));
      return done(quarantined, written.written);
    }
    case 'ticket_metric_events': {
      const { valid, quarantined } = validateRecords(records, ZendeskMetricEventSchema, validation);
      // Credit needs the assignee at the event's time: only what ticket events have reached.
      const reached = Number((await database.checkpoints.position(tenant._id, 'ticket_events')) ?? '0') * 1000;
      const ready = valid.filter((event) => Date.parse(event.time) <= reached);
      const tickets = new Map((await database.tickets.findMany(tenant._id, [...new Set(ready.map((event) => event.ticket_id))])).map((ticket) => [ticket.ticketId, ticket]));
      // The users stream may not have stored the assignees yet (streams run as separate jobs):
      // without asking, their facts would be dropped as not staff, and the checkpoint would pass them.
      await staff.resolve(ready.flatMap((event) => {
        const ticket = tickets.get(event.ticket_id);
        const assignee = ticket ? assigneeAt(ticket, new Date(event.time)) : null;
        return assignee === null ? [] : [assignee];
      }));
      const facts = mapMetricEvents(ready, tickets, {
        tenantId: tenant._id,
        timeZone: tenant.timeZone,
        isStaff: staff.isStaff,
      });
      const written = await database.facts.insertMany(facts);
      if (ready.length === valid.length) return { ...(await done(quarantined, written.written, written.duplicates)), facts };
      // Resume at what ticket events reached (inclusive); ids absorb the repeats.
      return { ...(await done(quarantined, written.written, written.duplicates, true)), facts, checkpoint: String(Math.floor(reached / 1000)) };
    }
    case 'satisfaction_ratings': {
      const { valid, quarantined } = validateRecords(records, ZendeskRatingSchema, validation);
      await staff.resolve(valid.flatMap((rating) => (rating.assignee_id === null ? [] : [rating.assignee_id])));
      const facts = mapRatings(valid, { tenantId: tenant._id, timeZone: tenant.timeZone, isStaff: staff.isStaff });
      // A rating updated in place may have moved agent or day: its old buckets need recomputing too.
      const before = await database.facts.ratingsOf(tenant._id, [...new Set(valid.map((rating) => rating.ticket_id))]);
      const written = await database.facts.replaceMany(facts);
      return { ...(await done(quarantined, written.written)), facts: [...before, ...facts] };
    }
  }
}

async function sealAgent(keyring: TenantKeyring, tenantId: string, user: { id: number; name: string; email: string | null; role: string; active: boolean; suspended?: boolean | undefined; updated_at: string }): Promise<StoredAgent> {
  const email = user.email ?? '';
  const name = await keyring.sealAgentField(tenantId, user.id, 'name', user.name);
  const sealedEmail = await keyring.sealAgentField(tenantId, user.id, 'email', email);
  const emailIndex = await keyring.agentEmailIndex(tenantId, user.email);
  return {
    _id: storedIds.agent(tenantId, user.id),
    tenantId,
    zendeskUserId: user.id,
    name: name.blob,
    email: sealedEmail.blob,
    ...(emailIndex === undefined ? {} : { emailIndex }),
    role: user.role === 'admin' ? 'admin' : 'agent',
    active: user.active,
    suspended: user.suspended ?? false,
    updatedAt: new Date(user.updated_at),
    keyId: name.keyId,
  };
}

/** Finds the two Time Tracking fields by title, once, unless set by flag. */
export async function discoverTimeTrackingFields(context: Pick<SyncContext, 'tenant' | 'database' | 'client' | 'now'>): Promise<StoredTenant['timeTrackingFields']> {
  const { tenant } = context;
  if (tenant.timeTrackingFields.total !== null) return tenant.timeTrackingFields;
  let url: string | null = context.client.url('ticket_fields', { 'page[size]': 100 });
  const found: { total: number | null; last: number | null } = { total: null, last: null };
  while (url) {
    const body = (await context.client.get(url)) as { ticket_fields?: unknown; meta?: { has_more?: boolean }; links?: { next?: string | null } };
    for (const raw of Array.isArray(body.ticket_fields) ? body.ticket_fields : []) {
      const field = ZendeskTicketFieldSchema.safeParse(raw);
      if (!field.success) continue;
      const title = field.data.raw_title ?? field.data.title;
      if (title === TOTAL_TIME_FIELD_TITLE) found.total = field.data.id;
      if (title === LAST_TIME_FIELD_TITLE) found.last = field.data.id;
    }
    url = body.meta?.has_more ? (body.links?.next ?? null) : null;
  }
  const fields = found.total === null ? tenant.timeTrackingFields : { ...found, source: 'discovered' as const };
  if (found.total !== null) await context.database.tenants.update(tenant._id, { timeTrackingFields: fields }, context.now());
  return fields;
}

function syncStartSeconds(tenant: StoredTenant): number {
  return Math.floor(DateTime.fromISO(tenant.syncStart, { zone: tenant.timeZone }).startOf('day').toSeconds());
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function reachedOf(checkpoint: string): string | null {
  const seconds = checkpoint.startsWith(PARTIAL) ? checkpoint.slice(PARTIAL.length) : checkpoint;
  return /^\d+$/.test(seconds) ? new Date(Number(seconds) * 1000).toISOString() : null;
}
