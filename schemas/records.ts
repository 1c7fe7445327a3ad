/**
 * The stored shapes of docs/architecture.md#collections: the only documents tally writes. Every write
 * parses its document with these first; anything else in a document is a bug.
 * Sealed values are binary blobs (src/crypto/sealed-blob.ts); ids are strings
 * built from their key parts so that `_id` alone makes every write idempotent.
 */
import { z } from 'zod';
import { RegionIdSchema } from './config.js';

export const TenantIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'a tenant id is 2 to 63 lower-case letters, digits or dashes, starting with a letter or digit');

const SealedSchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be bytes (a sealed value)');
const ZendeskIdSchema = z.number().int().positive();

export const STREAMS = ['users', 'groups', 'brands', 'ticket_events', 'tickets', 'ticket_metric_events', 'satisfaction_ratings'] as const;
export const StreamSchema = z.enum(STREAMS);
export type Stream = z.infer<typeof StreamSchema>;

export const RetentionSchema = z.object({
  factDays: z.number().int().min(30).max(3650),
  bucketDays: z.number().int().min(30).max(3650),
});
export const DEFAULT_RETENTION = { factDays: 400, bucketDays: 760 } as const;

export const StoredTenantSchema = z.strictObject({
  _id: TenantIdSchema,
  region: RegionIdSchema,
  /** Account root without /api/v2, e.g. https://acme.zendesk.com. */
  zendeskUrl: z.url(),
  credentials: z.strictObject({ email: SealedSchema, token: SealedSchema }),
  timeZone: z.string().min(1),
  syncStart: z.iso.date(),
  retention: RetentionSchema,
  timeTrackingFields: z.strictObject({
    total: ZendeskIdSchema.nullable(),
    last: ZendeskIdSchema.nullable(),
    source: z.enum(['discovered', 'flag']).nullable(),
  }),
  status: z.enum(['active', 'auth_failed']),
  unavailableStreams: z.array(StreamSchema),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type StoredTenant = z.infer<typeof StoredTenantSchema>;

export const StoredAgentSchema = z.strictObject({
  _id: z.string(),
  tenantId: TenantIdSchema,
  zendeskUserId: ZendeskIdSchema,
  name: SealedSchema,
  email: SealedSchema,
  /** Absent when the agent has no email: agents without one share no index a purge could match. */
  emailIndex: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  role: z.enum(['agent', 'admin']),
  active: z.boolean(),
  suspended: z.boolean(),
  /** Zendesk's updated_at of the user. */
  updatedAt: z.date(),
  keyId: z.string(),
});
export type StoredAgent = z.infer<typeof StoredAgentSchema>;

/**
 * The version of a tenant's stored agents (docs/architecture.md#collections): a new random
 * value after every write or delete of them, so a process that keeps decrypted names and
 * emails knows, with one small read, whether they are still what is stored.
 */
export const StoredAgentDirectorySchema = z.strictObject({
  /** The tenant id. */
  _id: TenantIdSchema,
  tenantId: TenantIdSchema,
  version: z.string().min(1),
  updatedAt: z.date(),
});
export type StoredAgentDirectory = z.infer<typeof StoredAgentDirectorySchema>;

export const API_ROLES = ['viewer', 'privacy', 'admin'] as const;
export const ApiRoleSchema = z.enum(API_ROLES);
export type ApiRole = z.infer<typeof ApiRoleSchema>;

/**
 * An API key of one tenant (docs/api.md#keys): only a salted hash of its secret is kept.
 * The key is `tally_<keyId>_<secret>`; the secret is 32 random bytes, so a salted
 * SHA-256 is as strong as a slow hash here and cheap enough to check on every request.
 */
export const StoredApiKeySchema = z.strictObject({
  /** The key id: 16 hex digits, public (it names the key in logs and the audit log). */
  _id: z.string().regex(/^[0-9a-f]{16}$/),
  tenantId: TenantIdSchema,
  role: ApiRoleSchema,
  /** What the admin called it (free text, at most 100 characters; not personal data by rule, shown in lists). */
  label: z.string().min(1).max(100),
  salt: z.string().regex(/^[0-9a-f]{32}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
});
export type StoredApiKey = z.infer<typeof StoredApiKeySchema>;

export const PERSON_STATES = ['invited', 'active', 'disabled'] as const;

/**
 * A person who signs in to the dashboard (docs/dashboard.md#people), stored in the tenant's
 * region. Their email is personal data: sealed, and found by a blind index of its own.
 * The password is a scrypt hash with its own salt; the TOTP secret is sealed; recovery
 * codes and the setup token are kept only as SHA-256 hashes (each is 80+ random bits).
 */
export const StoredPersonSchema = z.strictObject({
  /** The person id: 16 hex digits, public (it names the person in the audit log). */
  _id: z.string().regex(/^[0-9a-f]{16}$/),
  tenantId: TenantIdSchema,
  emailIndex: z.string().regex(/^[0-9a-f]{64}$/),
  email: SealedSchema,
  role: ApiRoleSchema,
  state: z.enum(PERSON_STATES),
  /** `scrypt$N$r$p$salt$hash` (base64url), null until setup. */
  passwordHash: z.string().nullable(),
  /** Sealed base32 TOTP secret: the one being enrolled while invited, the enrolled one after. */
  totp: SealedSchema.nullable(),
  /** The last TOTP time step accepted: a code is good once (RFC 6238 §5.2). */
  totpStep: z.number().int().nonnegative(),
  /** SHA-256 (hex) of each recovery code not used yet. */
  recoveryCodes: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
  /** SHA-256 (hex) of the setup link's token while it is valid, else null. */
  setupToken: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  setupExpiresAt: z.date().nullable(),
  /** Failed sign-ins since the last good one; 5 lock the person (docs/dashboard.md#sign-in). */
  failures: z.number().int().nonnegative(),
  lockedUntil: z.date().nullable(),
  /** Changes whenever sessions must end (disable, reset, role change): a session of another epoch is over. */
  epoch: z.number().int().nonnegative(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type StoredPerson = z.infer<typeof StoredPersonSchema>;

/** A group or brand of the tenant's Zendesk (docs/metrics.md#dimensions): its name sealed under the tenant's dimension-name subkey. */
export const StoredDimensionSchema = z.strictObject({
  /** `${tenantId}:${kind}:${zendeskId}`. */
  _id: z.string(),
  tenantId: TenantIdSchema,
  kind: z.enum(['group', 'brand']),
  zendeskId: ZendeskIdSchema,
  name: SealedSchema,
  updatedAt: z.date(),
});
export type StoredDimension = z.infer<typeof StoredDimensionSchema>;
export type DimensionKind = StoredDimension['kind'];

export const StoredTicketSchema = z.strictObject({
  _id: z.string(),
  tenantId: TenantIdSchema,
  ticketId: ZendeskIdSchema,
  assigneeId: ZendeskIdSchema.nullable(),
  groupId: ZendeskIdSchema.nullable(),
  /** The latest brand from the tickets export (absent on states written before brands were read). */
  brandId: ZendeskIdSchema.nullable().optional(),
  status: z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed', 'deleted']),
  lastSolverId: ZendeskIdSchema.nullable(),
  /**
   * Assignee changes seen in ticket events (agent ids and times only), so metric
   * events are credited to the assignee at their time. `assigneeId` is the latest
   * state from the tickets export, which may be ahead of the events.
   */
  assignments: z.array(z.strictObject({ at: z.date(), agentId: ZendeskIdSchema.nullable() })),
  /**
   * Group and brand changes seen in ticket events, so every fact carries the ticket's
   * group and brand at its time (docs/metrics.md#dimensions). Empty: the ticket was
   * created before the sync window, and the exported groupId/brandId stand in.
   */
  dimensions: z.array(z.strictObject({ at: z.date(), groupId: ZendeskIdSchema.nullable(), brandId: ZendeskIdSchema.nullable() })).optional(),
  /** Public agent replies seen so far, not counting the comment that created the ticket (docs/metrics.md#onetouchtickets). */
  publicReplies: z.number().int().nonnegative().optional(),
  /** The one-touch credit the ticket holds now, if any: retracted by a later agent reply or a later solve. */
  oneTouch: z.strictObject({ agentId: ZendeskIdSchema, at: z.date(), groupId: ZendeskIdSchema.nullable(), brandId: ZendeskIdSchema.nullable() }).nullable().optional(),
  /** The last ticket event applied, so replayed pages never apply an event twice. */
  lastEventAt: z.date().nullable(),
  lastEventId: ZendeskIdSchema.nullable(),
  updatedAt: z.date(),
});
export type StoredTicket = z.infer<typeof StoredTicketSchema>;

export const FactKindSchema = z.enum(['solve', 'reopen', 'public_reply', 'update', 'handle_time', 'rating', 'metric', 'one_touch']);
export type FactKind = z.infer<typeof FactKindSchema>;

export const StoredFactSchema = z.strictObject({
  /** `${tenantId}:${kind}:${sourceId}:${childId}`: the Zendesk ids the fact comes from. */
  _id: z.string(),
  tenantId: TenantIdSchema,
  kind: FactKindSchema,
  ticketId: ZendeskIdSchema,
  /**
   * The agent credited. 0 only on a rating whose assignee is not an agent: it
   * credits nobody, but as the most recent rating it still supersedes older ones.
   */
  agentId: z.number().int().nonnegative(),
  at: z.date(),
  /**
   * The local day of `at` in the tenant's (fixed) time zone: the daily buckets'
   * key, stored so that recomputing a bucket is an equality query, which FerretDB
   * and MongoDB both answer from an index.
   */
  day: z.iso.date(),
  /** Seconds for handle_time, minutes for metric, 1/0 good/bad for rating, +1/−1 (credit, retraction) for one_touch. */
  value: z.number().optional(),
  /** The ticket's group and brand at the fact's time (docs/metrics.md#dimensions); absent: none. */
  groupId: ZendeskIdSchema.optional(),
  brandId: ZendeskIdSchema.optional(),
  /** For metric facts: which metric; for rating facts: the rating's updated_at ordering key. */
  detail: z.string().optional(),
});
export type StoredFact = z.infer<typeof StoredFactSchema>;

/** A mergeable histogram of minutes (src/metrics/minute-histogram.ts): sparse, parallel arrays. */
export const MinuteHistogramSchema = z.strictObject({
  sum: z.number(),
  count: z.number().int().nonnegative(),
  bins: z.array(z.number().int().nonnegative()),
  counts: z.array(z.number().int().positive()),
});
const emptyMinutes = () => ({ sum: 0, count: 0, bins: [], counts: [] });

/** One agent's counters for one local day in the tenant's time zone (docs/metrics.md#counters). */
/** The counters of a daily bucket (docs/metrics.md#counters). */
export const DAILY_COUNTERS = [
  'solves',
  'reopens',
  'publicReplies',
  'ticketsTouched',
  'handleTimeSeconds',
  'ticketsWithHandleTime',
  'csatGood',
  'csatBad',
  'oneTouchTickets',
] as const;
export type DailyCounter = (typeof DAILY_COUNTERS)[number];

/** The minute histograms of a daily bucket (docs/metrics.md#minute-metrics). */
export const DAILY_MINUTES = [
  'firstReplyMinutes',
  'fullResolutionMinutes',
  'requesterWaitMinutes',
  'agentWorkMinutes',
  'firstReplyBusinessMinutes',
  'fullResolutionBusinessMinutes',
  'requesterWaitBusinessMinutes',
  'agentWorkBusinessMinutes',
] as const;
export type DailyMinuteField = (typeof DAILY_MINUTES)[number];

export const StoredDailySchema = z.strictObject({
  /** `${tenantId}:${agentId}:${day}`. */
  _id: z.string(),
  tenantId: TenantIdSchema,
  agentId: ZendeskIdSchema,
  day: z.iso.date(),
  solves: z.number().int().nonnegative(),
  reopens: z.number().int().nonnegative(),
  publicReplies: z.number().int().nonnegative(),
  ticketsTouched: z.number().int().nonnegative(),
  /** Corrections are negative changes, so a day's sum may be negative. */
  handleTimeSeconds: z.number().int(),
  ticketsWithHandleTime: z.number().int().nonnegative(),
  csatGood: z.number().int().nonnegative(),
  csatBad: z.number().int().nonnegative(),
  /** Defaults (0, empty, none) fill buckets written before these measures existed. */
  oneTouchTickets: z.number().int().default(0),
  firstReplyMinutes: MinuteHistogramSchema,
  fullResolutionMinutes: MinuteHistogramSchema,
  requesterWaitMinutes: MinuteHistogramSchema,
  agentWorkMinutes: MinuteHistogramSchema,
  firstReplyBusinessMinutes: MinuteHistogramSchema.default(emptyMinutes),
  fullResolutionBusinessMinutes: MinuteHistogramSchema.default(emptyMinutes),
  requesterWaitBusinessMinutes: MinuteHistogramSchema.default(emptyMinutes),
  agentWorkBusinessMinutes: MinuteHistogramSchema.default(emptyMinutes),
  /**
   * The same measures per (group, brand) the agent's facts fell in that day
   * (src/metrics/rollup-codec.ts), as one string for FerretDB's sake (docs/metrics.md#dimensions).
   */
  slices: z.string().default('[]'),
  updatedAt: z.date(),
});
export type StoredDaily = z.infer<typeof StoredDailySchema>;

/**
 * A day's buckets' version (docs/metrics.md#rollups): a new random version with every
 * write to the day's buckets, `writing` while that write is under way. Rollups over
 * the day are used only while it is as they were built from.
 */
export const StoredBucketDaySchema = z.strictObject({
  /** `${tenantId}:${day}`. */
  _id: z.string(),
  tenantId: TenantIdSchema,
  day: z.iso.date(),
  /** YYYY-MM: what a read of a range asks by. */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  version: z.string(),
  writing: z.boolean(),
  updatedAt: z.date(),
});
export type StoredBucketDay = z.infer<typeof StoredBucketDaySchema>;

/** Every agent's totals over a month, a block of days or a day: a cache of sums of daily buckets (docs/metrics.md#rollups). */
export const StoredRollupSchema = z.strictObject({
  /** `${tenantId}:${level}:${start}`, or `${tenantId}:series:${agentId}:${start}` for an agent's days of a month. */
  _id: z.string(),
  tenantId: TenantIdSchema,
  /** `series`: one agent's buckets of one month, day by day (docs/metrics.md#daily-series). */
  level: z.enum(['month', 'block', 'day', 'series']),
  agentId: ZendeskIdSchema.optional(),
  start: z.iso.date(),
  end: z.iso.date(),
  /** The hash of the versions of the days it was built from (src/metrics/rollup-plan.ts stampOf). */
  stamp: z.string(),
  /** src/metrics/rollup-codec.ts: agent ids and numbers only, never a name or email. */
  payload: z.string(),
  /** The same per agent, group and brand (docs/metrics.md#dimensions); absent on rollups older than dimensions, which are rebuilt. */
  slices: z.string().optional(),
  updatedAt: z.date(),
});
export type StoredRollup = z.infer<typeof StoredRollupSchema>;

/**
 * Append-only, hash-chained: each entry's hash covers its fields and the previous
 * entry's hash, so an edited or removed entry breaks the chain. Never PII.
 * Version 2 (keyed): `hash` is an HMAC under the tenant's audit-chain subkey, and
 * the chain's head is kept outside the database (src/audit/audit-chain.ts, README "audit log").
 */
export const StoredAuditSchema = z.strictObject({
  /** `${tenantId}:${seq}` with seq zero-padded, so the chain sorts by _id. */
  _id: z.string(),
  /** Absent: version 1, written before the chain was keyed (unkeyed SHA-256); only ever before every version-2 entry. */
  version: z.literal(2).optional(),
  tenantId: TenantIdSchema,
  seq: z.number().int().positive(),
  at: z.date(),
  actor: z.string().min(1),
  action: z.string().min(1),
  /** Counts and ids of tally's own records (request ids), never names or emails. */
  details: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StoredAudit = z.infer<typeof StoredAuditSchema>;

/**
 * A daily bucket whose facts changed and that awaits recomputation. Written with
 * the page's facts, before its checkpoint moves, so a crash never loses one.
 * Marks are only ever inserted and deleted whole, one document per marking: FerretDB
 * updates a document by reading and rewriting it, so a mark renewed in place while
 * a flush cleared it could vanish.
 */
export const StoredStaleBucketSchema = z.strictObject({
  /** `${bucketId}/${mark}`: one document per marking of the bucket. */
  _id: z.string(),
  tenantId: TenantIdSchema,
  agentId: z.number().int().nonnegative(),
  day: z.iso.date(),
  /** Unique per marking: a flush clears exactly the marks it listed, never a later one. */
  mark: z.string(),
});
export type StoredStaleBucket = z.infer<typeof StoredStaleBucketSchema>;

export const StoredCursorSchema = z.strictObject({
  _id: z.string(),
  tenantId: TenantIdSchema,
  stream: StreamSchema,
  /** Opaque to everything but the stream's pager: an end_time or a cursor. Absent until the first checkpoint. */
  position: z.string().optional(),
  updatedAt: z.date().optional(),
  /** The fence of the last fenced write (a zero-padded `fence`), or null. */
  leaseToken: z.string().nullable(),
  /**
   * The highest fence drawn for the stream's sync lease (drawn in Redis, recorded
   * here before use): no older fence may move the checkpoint. Kept here as well as
   * in Redis, so fencing survives Redis losing its data (README "Lease and fence").
   */
  fence: z.number().int().nonnegative().optional(),
});
export type StoredCursor = z.infer<typeof StoredCursorSchema>;

/** A schema path: tally's own field names, array indexes and `*` (src/ingest/validate-records.ts). */
const QuarantinePathSchema = z
  .string()
  .max(200)
  .regex(/^(\(record\)|(\d+|\*|[a-z][a-z_]*)(\.(\d+|\*|[a-z][a-z_]*))*)$/, 'must be a path of schema field names, indexes and *');

export const StoredQuarantineSchema = z.strictObject({
  /** `${tenantId}:${stream}:${recordId}`. */
  _id: z.string(),
  tenantId: TenantIdSchema,
  stream: StreamSchema,
  /** The Zendesk id, or `hash-` and a keyed hash of an id that is not one, or `unknown`: never text of the record. */
  recordId: z.string().regex(/^([1-9]\d{0,15}|hash-[0-9a-f]{64}|unknown)$/, 'must be a Zendesk id, a keyed hash or unknown'),
  /** Paths and codes of the validation errors; never the record itself. */
  errors: z.array(z.strictObject({ path: QuarantinePathSchema, code: z.string().regex(/^[a-z_]{1,40}$/) })).max(20),
  at: z.date(),
});
export type StoredQuarantine = z.infer<typeof StoredQuarantineSchema>;

export const StoredKeySchema = z.strictObject({
  /** `tenant:${tenantId}` or `agent:${tenantId}:${zendeskUserId}`. */
  _id: z.string(),
  kind: z.enum(['tenant', 'agent']),
  tenantId: TenantIdSchema,
  agentId: ZendeskIdSchema.optional(),
  /** Tenant keys: KMS ciphertext. Agent keys: a sealed blob under the tenant's agent-key-wrap subkey. */
  wrappedKey: SealedSchema,
  /** Tenant keys: the KMS key version that wrapped it. */
  kekVersion: z.string().optional(),
  createdAt: z.date(),
  rewrappedAt: z.date().optional(),
});
export type StoredKey = z.infer<typeof StoredKeySchema>;

/** A daily bucket's id (storedIds.daily) read back: its tenant, agent and day. */
export function dailyIdParts(id: string): { tenantId: string; agentId: number; day: string } {
  const parts = id.split(':');
  return { tenantId: parts.slice(0, -2).join(':'), agentId: Number(parts.at(-2)), day: parts.at(-1) ?? '' };
}

export const storedIds = {
  agent: (tenantId: string, zendeskUserId: number) => `${tenantId}:${zendeskUserId}`,
  ticket: (tenantId: string, ticketId: number) => `${tenantId}:${ticketId}`,
  dimension: (tenantId: string, kind: 'group' | 'brand', zendeskId: number) => `${tenantId}:${kind}:${zendeskId}`,
  cursor: (tenantId: string, stream: Stream) => `${tenantId}:${stream}`,
  daily: (tenantId: string, agentId: number, day: string) => `${tenantId}:${agentId}:${day}`,
  bucketDay: (tenantId: string, day: string) => `${tenantId}:${day}`,
  audit: (tenantId: string, seq: number) => `${tenantId}:${String(seq).padStart(12, '0')}`,
  tenantKey: (tenantId: string) => `tenant:${tenantId}`,
  agentKey: (tenantId: string, zendeskUserId: number) => `agent:${tenantId}:${zendeskUserId}`,
};

/**
 * A user whose records later syncs skip and never recreate (docs/architecture.md#suppression): the
 * Zendesk user id, the email blind index, or both. Only the purge that made it
 * (or a sync that learned the id of a suppressed email) writes one.
 */
export const StoredSuppressionSchema = z.strictObject({
  /** `${tenantId}:${requestId}`, or `${tenantId}:${requestId}:user:${id}` for an id a sync learned later. */
  _id: z.string(),
  tenantId: TenantIdSchema,
  requestId: z.string().min(1),
  zendeskUserId: ZendeskIdSchema.optional(),
  emailIndex: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  createdAt: z.date(),
});
export type StoredSuppression = z.infer<typeof StoredSuppressionSchema>;

export const PURGE_STATES = ['requested', 'suppressed', 'counted', 'deleted', 'shredded', 'verified', 'done'] as const;
export const PurgeStateSchema = z.enum(PURGE_STATES);
export type PurgeState = z.infer<typeof PurgeStateSchema>;

/** Documents per collection: what a purge found when it began, or what offboarding removed. */
export const CollectionCountsSchema = z.record(z.string(), z.number().int().nonnegative());
export type CollectionCounts = z.infer<typeof CollectionCountsSchema>;

/**
 * A purge (erasure) request and, once done, its receipt. The target exists only
 * while the request runs and is removed when it is done: from then on only the
 * suppression carries the agent's id or blind index.
 */
export const StoredPurgeSchema = z.strictObject({
  /** A random UUID: also the purge job's id. */
  _id: z.uuid(),
  tenantId: TenantIdSchema,
  region: RegionIdSchema,
  state: PurgeStateSchema,
  requestedAt: z.date(),
  requestedBy: z.string().min(1),
  /**
   * What the operator gave (1 to 500 characters of free text), sealed under the
   * tenant's purge-reason subkey; shown only by `tally purge --list`, never in logs,
   * jobs or the audit log, and removed with the target when the request is done.
   */
  reason: SealedSchema.optional(),
  target: z
    .strictObject({
      zendeskUserId: ZendeskIdSchema.optional(),
      emailIndex: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    })
    .optional(),
  /** Whether a stored agent matched the target when the purge began. */
  found: z.boolean().optional(),
  counts: CollectionCountsSchema.optional(),
  suppressionHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  verification: z.strictObject({ ok: z.boolean(), remaining: CollectionCountsSchema }).optional(),
  completedAt: z.date().optional(),
  updatedAt: z.date(),
});
export type StoredPurge = z.infer<typeof StoredPurgeSchema>;

/** A tenant's offboarding: what was removed and when. It outlives the tenant as the evidence. */
export const StoredOffboardingSchema = z.strictObject({
  /** `offboard:${tenantId}:${startedAt ms}`. */
  _id: z.string(),
  tenantId: TenantIdSchema,
  region: RegionIdSchema,
  state: z.enum(['started', 'done']),
  requestedBy: z.string().min(1),
  startedAt: z.date(),
  completedAt: z.date().optional(),
  counts: CollectionCountsSchema.optional(),
  jobs: z.strictObject({ schedulers: z.number().int().nonnegative(), jobs: z.number().int().nonnegative() }).optional(),
  tenantKeyDeleted: z.boolean().optional(),
});
export type StoredOffboarding = z.infer<typeof StoredOffboardingSchema>;
