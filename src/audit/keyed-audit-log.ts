/**
 * A tenant's audit log as use cases see it (the AuditStore port): entries chained
 * by HMAC under the tenant's audit-chain subkey in the tenant's database, and the
 * chain's head (seq and MAC of the last entry) in an object outside it, so that
 * cutting entries off the end shows (README "Privacy operations", audit log).
 *
 * An append stores the entry, then moves the head. A crash in between leaves the
 * head behind by the entries after it, each still verified by its MAC, and the
 * next append moves it past them. The head only ever moves forward, and only from
 * a head the log still matches: a log that was cut short or restored from an older
 * copy keeps the old head, so `tally audit verify` keeps reporting it.
 */
import { AUDIT_HEAD_FORMAT, type AuditHead } from '../../schemas/audit-head.js';
import { type StoredAudit, StoredAuditSchema, storedIds } from '../../schemas/records.js';
import { AppError, StoreError } from '../shared/errors.js';
import type { AuditEntry, AuditHeadStore, AuditLogStore, AuditStore } from '../store/ports.js';
import { AUDIT_CHAIN_VERSION, auditHeadObjectName, auditHeadPrefix, auditMac, type ChainCheck, GENESIS_HASH, sameMac, verifyAuditChain } from './audit-chain.js';

/** What keys the chain and where its heads are kept. */
export interface AuditChainDeps {
  /** The tenant's audit-chain subkey (TenantKeyring.auditChainKey). */
  readonly chainKey: (tenantId: string) => Promise<Uint8Array>;
  readonly heads: AuditHeadStore;
}

/** Concurrent appenders race for the next seq; the loser rereads the last entry and tries again. */
const APPEND_ATTEMPTS = 50;

export class KeyedAuditLog implements AuditStore {
  /**
   * The last entry this process appended per tenant: the next append tries the seq after
   * it without reading the log (reading the last entry sorts the tenant's entries, which
   * FerretDB does by reading them all). Another process's append makes that insert fail
   * as a duplicate, and the entry is read again.
   */
  private readonly tails = new Map<string, { seq: number; hash: string }>();
  /**
   * Appends of one tenant in this process are committed in groups: while one group is
   * being written, the appends that arrive wait, and go in the next group, whose entries
   * are inserted one after the other and the head moved once, past the last of them. A
   * server answering many reads a second appends one entry per read; one head write per
   * group instead of per entry is what keeps up with them.
   */
  private readonly waiting = new Map<string, { entry: AuditEntry; at: Date; resolve: (stored: StoredAudit) => void; reject: (error: unknown) => void }[]>();
  private readonly committing = new Set<string>();

  constructor(
    private readonly log: AuditLogStore,
    private readonly chain: AuditChainDeps | null,
  ) {}

  append(entry: AuditEntry, at: Date): Promise<StoredAudit> {
    return new Promise<StoredAudit>((resolve, reject) => {
      const group = this.waiting.get(entry.tenantId) ?? [];
      group.push({ entry, at, resolve, reject });
      this.waiting.set(entry.tenantId, group);
      if (!this.committing.has(entry.tenantId)) void this.commitGroups(entry.tenantId);
    });
  }

  private async commitGroups(tenantId: string): Promise<void> {
    this.committing.add(tenantId);
    try {
      for (let group = this.waiting.get(tenantId); group && group.length > 0; group = this.waiting.get(tenantId)) {
        this.waiting.delete(tenantId);
        try {
          await this.commit(tenantId, group);
        } catch (error) {
          for (const item of group) item.reject(error);
        }
      }
    } finally {
      this.committing.delete(tenantId);
    }
  }

  /** Inserts each entry of the group (one that cannot be stored fails alone), then moves the head past the last one stored; settles every item. */
  private async commit(tenantId: string, group: readonly { entry: AuditEntry; at: Date; resolve: (stored: StoredAudit) => void; reject: (error: unknown) => void }[]): Promise<void> {
    const { chainKey, heads } = this.deps();
    const key = await chainKey(tenantId);
    const stored: { item: (typeof group)[number]; entry: StoredAudit }[] = [];
    for (const item of group) {
      try {
        stored.push({ item, entry: await this.insertNext(item.entry, item.at, key) });
      } catch (error) {
        item.reject(error);
      }
    }
    const last = stored.at(-1)?.entry;
    if (last === undefined) return;
    const next: AuditHead = { format: AUDIT_HEAD_FORMAT, tenantId, seq: last.seq, mac: last.hash };
    try {
      await heads.advance(auditHeadObjectName(tenantId, key), next, (current) => this.continues(last, current));
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'AUDIT_HEAD_UNAVAILABLE';
      const failure = new StoreError(code, `audit entry ${last.seq} of tenant ${tenantId} was stored, but the chain's head object was not moved (the next append moves it): ${messageOf(error)}`, {
        retryable: true,
        cause: error,
      });
      for (const { item } of stored) item.reject(failure);
      return;
    }
    for (const { item, entry } of stored) item.resolve(entry);
  }

  entries(tenantId: string): AsyncIterable<StoredAudit> {
    return this.log.entries(tenantId);
  }

  async verify(tenantId: string): Promise<ChainCheck> {
    const { chainKey, heads } = this.deps();
    const key = await chainKey(tenantId);
    // The head before the entries: an append in between then shows as one entry past
    // the head (allowed), never as a log shorter than a head read after it.
    let head: AuditHead | null;
    try {
      head = await heads.read(auditHeadObjectName(tenantId, key));
    } catch (error) {
      // Someone wrote the bucket: that is a finding, not a failure to check.
      if (error instanceof AppError && error.code === 'AUDIT_HEAD_INVALID') {
        return { ok: false, entries: 0, brokenAt: null, reason: 'the head object is not a valid head', legacy: 0, headSeq: null, unanchored: 0 };
      }
      throw error;
    }
    const entries: StoredAudit[] = [];
    for await (const entry of this.log.entries(tenantId)) entries.push(entry);
    return verifyAuditChain(entries, { tenantId, key, head });
  }

  async removeHeads(tenantId: string): Promise<void> {
    await this.deps().heads.removeAll(auditHeadPrefix(tenantId));
  }

  /** The cached last entry, if the log still holds it as cached (one read by id): an offboarding elsewhere may have removed the log. */
  private async cachedTail(tenantId: string): Promise<{ seq: number; hash: string } | null> {
    const tail = this.tails.get(tenantId);
    this.tails.delete(tenantId);
    if (!tail) return null;
    const stored = await this.log.find(tenantId, tail.seq);
    return stored && stored.hash === tail.hash ? tail : null;
  }

  private async insertNext(entry: AuditEntry, at: Date, key: Uint8Array): Promise<StoredAudit> {
    /** The entry found at the seq an insert lost: the next attempt chains after it, never tries that seq again. */
    let taken: { seq: number; hash: string } | null = null;
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const last = taken ?? (await this.cachedTail(entry.tenantId)) ?? (await this.log.last(entry.tenantId));
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const fields = { tenantId: entry.tenantId, seq, at, actor: entry.actor, action: entry.action, details: entry.details };
      const document = StoredAuditSchema.parse({
        _id: storedIds.audit(entry.tenantId, seq),
        version: AUDIT_CHAIN_VERSION,
        ...fields,
        prevHash,
        hash: auditMac(key, fields, prevHash),
      });
      if ((await this.log.insert(document)) === 'inserted') {
        this.tails.set(entry.tenantId, { seq: document.seq, hash: document.hash });
        return document;
      }
      // Another appender took this seq: read that entry by id (a point read, not the sorted log) and go past it.
      const winner = await this.log.find(entry.tenantId, seq);
      taken = winner ? { seq: winner.seq, hash: winner.hash } : null;
    }
    throw new StoreError('AUDIT_CONTENDED', 'could not append to the audit log: too many concurrent appends; try again', { retryable: true });
  }

  /** Whether the head may move from `current` to `appended`: forward, and from a head the log still matches. */
  private async continues(appended: StoredAudit, current: AuditHead | null): Promise<boolean> {
    if (current === null) return true;
    if (current.tenantId !== appended.tenantId || current.seq >= appended.seq) return false;
    const atHead = current.seq === appended.seq - 1 ? { hash: appended.prevHash } : await this.log.find(appended.tenantId, current.seq);
    return atHead !== null && sameMac(atHead.hash, current.mac);
  }

  private deps(): AuditChainDeps {
    if (this.chain === null) {
      throw new StoreError('AUDIT_UNKEYED', "this region's database was opened without the audit chain's key and bucket: open it through RegionRouter.connect");
    }
    return this.chain;
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
