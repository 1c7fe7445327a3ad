/**
 * What one Zendesk stream is to the sync (docs/architecture.md#streams): its name, its
 * record schema, its pager, how a page of valid records is minimised, sealed and
 * written, and which streams it depends on. The generic driver
 * (src/ingest/sync-stream.ts) pages, validates, quarantines, marks stale buckets and
 * checkpoints; a spec only says what is particular to its stream.
 */
import type { z } from 'zod';
import type { Stream, StoredFact, StoredTenant, StoredTicket } from '../../../schemas/records.js';
import type { TenantKeyring } from '../../crypto/tenant-keyring.js';
import type { SuppressionGuard } from '../../privacy/suppression-guard.js';
import type { RegionStores } from '../../store/ports.js';
import { cursorExportPages, type RawPage } from '../../zendesk/pagers.js';
import type { ZendeskClient } from '../../zendesk/zendesk-client.js';
import type { StaffDirectory } from '../staff-directory.js';
import type { SyncLocks } from '../tenant-lock.js';
import type { RunRatings } from '../run-ratings.js';
import type { TicketStates } from '../ticket-state-cache.js';

/** What a stream's pager and store need. */
export interface StreamContext {
  readonly tenant: StoredTenant;
  readonly database: RegionStores;
  readonly keyring: TenantKeyring;
  readonly client: ZendeskClient;
  readonly staff: StaffDirectory;
  readonly locks: SyncLocks;
  readonly now: () => Date;
  /** Ticket events per export page (Zendesk's maximum, 1,000, by default). */
  readonly ticketEventsPerPage?: number;
  /** The sync's view of the tenant's suppressions. */
  readonly guard: SuppressionGuard;
  /** Ticket states carried across batches and streams (src/ingest/ticket-state-cache.ts). */
  readonly ticketStates: TicketStates;
  /** The ratings this run wrote (src/ingest/run-ratings.ts). */
  readonly ratingsWritten?: RunRatings;
}

export interface StoredPage {
  readonly stored: number;
  readonly duplicates?: number;
  /** Facts of the page, whose daily buckets are recomputed before the checkpoint moves. */
  readonly facts?: readonly StoredFact[];
  /** `facts` already hold every stored rating of the tickets rated in them: no need to read those again. */
  readonly earlierRatingsIncluded?: boolean;
  /** Ticket states the page wrote: kept for other streams once the checkpoint holds them. */
  readonly ticketStates?: readonly StoredTicket[];
  /** Only part of the page could be stored: checkpoint here instead of the page's checkpoint, and stop this run. */
  readonly stopAt?: string;
}

export interface StreamSpec<T = unknown> {
  readonly name: Stream;
  /** Streams whose stored progress this one waits for (metric events stop at what ticket events reached). */
  readonly dependsOn: readonly Stream[];
  /** The schema each record is validated with (some depend on the tenant's settings). */
  schema(tenant: StoredTenant): z.ZodType<T>;
  /** The pages after `position` (the stored checkpoint, or the stream's initial position). */
  pages(context: StreamContext, position: string): AsyncGenerator<RawPage>;
  /**
   * Pages are stored together until they hold this many records (Zendesk's small pages
   * of 100 are not worth a round trip each); absent: each page alone.
   */
  readonly batchRecords?: number;
  /**
   * The records of a full page: a page with fewer ends its batch (the export has caught up,
   * or was asked for small pages), so what is stored never waits on a page not yet there.
   */
  fullPage?(context: Pick<StreamContext, 'ticketEventsPerPage'>): number;
  /** Minimises, seals and writes the page's valid records, idempotently. */
  store(context: StreamContext, valid: T[]): Promise<StoredPage>;
}

/** Records stored together for streams whose pages are small: one ticket events page's worth. */
export const BATCH_RECORDS = 1000;

/** Unix seconds now, read again for every page. */
export function clockSecondsOf(context: Pick<StreamContext, 'now'>): () => number {
  return () => Math.floor(context.now().getTime() / 1000);
}

/** The pager of a cursor-based incremental export (`incremental/<records>/cursor`), with the records under `<records>`. */
export function cursorExportOf(records: 'tickets' | 'users'): StreamSpec['pages'] {
  return (context, position) => cursorExportPages(context.client, `incremental/${records}/cursor`, records, position, clockSecondsOf(context)());
}

/** A record's time field in Unix seconds, or undefined when it is no time. */
export function recordTimeS(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Each record's ticket with the latest time (ms) any of its records needs the ticket's state at. */
export function latestTimes<T extends { ticket_id: number }>(records: readonly T[], timeMs: (record: T) => number): Map<number, number> {
  const latest = new Map<number, number>();
  for (const record of records) latest.set(record.ticket_id, Math.max(latest.get(record.ticket_id) ?? Number.NEGATIVE_INFINITY, timeMs(record)));
  return latest;
}
