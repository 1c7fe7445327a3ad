/**
 * Keeps a running sync from storing a suppressed (purged) user, including one
 * suppressed while the sync runs.
 *
 * The race with a purge is closed by ordering, not locks (FerretDB has no
 * transactions): the purge adds the suppression (S), then counts and deletes (D);
 * the sync writes a page (W), then calls `check()` (C), which rereads the
 * suppressions. If C sees S, the sync erases the user itself, unless the purge has
 * not counted yet, in which case D comes after C and so after W and removes it.
 * If C does not see S, then W < C < S < D and the purge's delete removes W. Either
 * way nothing of the user survives both; the purge's verification pass catches a
 * page written between D and C. Pages after C are filtered with the fresh set.
 */
import type { StoredSuppression } from '../../schemas/records.js';
import { StoreError } from '../shared/errors.js';
import type { PurgeStore, SuppressionStore, TenantStore } from '../store/ports.js';
import { type EraseAgentDeps, eraseAgent } from './erase-agent.js';

export interface SuppressionGuardDeps extends EraseAgentDeps {
  readonly tenantId: string;
  readonly suppressions: SuppressionStore;
  readonly purges: Pick<PurgeStore, 'find'>;
  readonly tenants: Pick<TenantStore, 'find'>;
  /** Told of every suppressed id, so the staff check never credits one. */
  readonly onSuppressed: (userId: number) => void;
  readonly now: () => Date;
}

/** Purge states before its count and delete: its delete still lies ahead. */
const BEFORE_DELETE = new Set(['requested', 'suppressed']);

export class SuppressionGuard {
  private readonly userIds = new Set<number>();
  private readonly emailIndexes = new Map<string, string>();
  private readonly seen = new Set<string>();
  private loaded = false;

  constructor(private readonly deps: SuppressionGuardDeps) {}

  readonly isSuppressed = (userId: number): boolean => this.userIds.has(userId);

  /** How many user ids are suppressed: it grows when the guard learns a suppression. */
  suppressedUsers(): number {
    return this.userIds.size;
  }

  /** The request id of the suppression of this email index, if suppressed. */
  emailSuppressedBy(emailIndex: string): string | undefined {
    return this.emailIndexes.get(emailIndex);
  }

  /** Call before a page is minimised and after its writes (see the file comment). */
  async check(): Promise<void> {
    const { tenantId } = this.deps;
    // An offboarded tenant is gone: stop rather than write into its region again.
    if (!(await this.deps.tenants.find(tenantId))) throw new StoreError('TENANT_UNKNOWN', `tenant ${tenantId} was removed while it synced`);
    const fresh: StoredSuppression[] = [];
    for (const entry of await this.deps.suppressions.list(tenantId)) {
      if (this.seen.has(entry._id)) continue;
      this.seen.add(entry._id);
      if (this.loaded) fresh.push(entry);
      if (entry.emailIndex !== undefined) this.emailIndexes.set(entry.emailIndex, entry.requestId);
      if (entry.zendeskUserId !== undefined) {
        this.userIds.add(entry.zendeskUserId);
        this.deps.onSuppressed(entry.zendeskUserId);
      }
    }
    this.loaded = true;
    for (const entry of fresh) {
      if (entry.zendeskUserId === undefined) continue;
      const purge = await this.deps.purges.find(entry.requestId);
      if (purge && BEFORE_DELETE.has(purge.state)) continue;
      await eraseAgent(this.deps, tenantId, entry.zendeskUserId);
    }
  }

  /**
   * A user whose email is suppressed but whose id was not known: suppresses the id
   * too (so their facts are skipped from now on) and erases anything already stored.
   */
  async learnUser(userId: number, requestId: string): Promise<void> {
    if (this.userIds.has(userId)) return;
    const { tenantId } = this.deps;
    const entry: StoredSuppression = {
      _id: `${tenantId}:${requestId}:user:${userId}`,
      tenantId,
      requestId,
      zendeskUserId: userId,
      createdAt: this.deps.now(),
    };
    await this.deps.suppressions.add(entry);
    this.seen.add(entry._id);
    this.userIds.add(userId);
    this.deps.onSuppressed(userId);
    await eraseAgent(this.deps, tenantId, userId);
  }
}
