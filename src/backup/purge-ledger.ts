/**
 * The purge ledger (docs/backup.md#purge-ledger): one sealed object per completed purge
 * or offboarding in the region's bucket, outside every backup, so a restore can do again
 * what was erased after its backup was taken. Each entry has its own data key, wrapped
 * by the region's KMS key and bound to the object's name; an entry holds ids only.
 * Object names carry the completion time (for choosing and pruning without opening)
 * and a hash of the request, never a tenant or agent id.
 */
import { createHash, randomBytes } from 'node:crypto';
import { BACKUP_FORMAT, type LedgerEntry, LedgerEntrySchema, SealedLedgerObjectSchema } from '../../schemas/backup.js';
import type { KeyWrapper } from '../crypto/key-wrapper.js';
import { DATA_KEY_BYTES, open, seal } from '../crypto/sealed-blob.js';
import { AppError, StoreError } from '../shared/errors.js';
import type { BackupBucket, PurgeLedger } from './backup-ports.js';
import { compactTime, parseCompactTime } from './backup-plan.js';

export const LEDGER_PREFIX = 'purge-ledger/';

/** `purge-ledger/<completed, compact ISO>-<16 hex of the request's hash>.sealed`. */
export function ledgerObjectName(entry: LedgerEntry): string {
  const id = entry.kind === 'purge' ? `purge|${entry.requestId}` : `offboarding|${entry.offboardingId}`;
  return `${LEDGER_PREFIX}${compactTime(new Date(entry.completedAt))}-${createHash('sha256').update(`${entry.region}|${entry.tenantId}|${id}`).digest('hex').slice(0, 16)}.sealed`;
}

/** The completion time an entry's object name carries, in ms (NaN for a name tally did not write). */
export function completedAtOfName(name: string): number {
  return /^purge-ledger\/\d{8}T\d{9}Z-[0-9a-f]{16}\.sealed$/.test(name) ? parseCompactTime(name.slice(LEDGER_PREFIX.length)) : Number.NaN;
}

const aad = (region: string, name: string) => Buffer.from(`tally/v1|purge-ledger|${region}|${name}`);

export class SealedPurgeLedger implements PurgeLedger {
  constructor(
    private readonly bucket: BackupBucket,
    /** Made on first use: a process that never purges never loads the KMS library for it. */
    private readonly wrapper: () => KeyWrapper,
    private readonly region: string,
  ) {}

  async append(entry: LedgerEntry): Promise<void> {
    const parsed = LedgerEntrySchema.parse(entry);
    const name = ledgerObjectName(parsed);
    const key = randomBytes(DATA_KEY_BYTES);
    const wrapped = await this.wrapper().wrap(key, aad(this.region, name));
    const sealed = seal(key, `ledger:${this.region}`, Buffer.from(JSON.stringify(parsed)), name);
    const body = { format: BACKUP_FORMAT, wrappedKey: Buffer.from(wrapped.ciphertext).toString('base64'), keyVersion: wrapped.keyVersion, sealed: sealed.toString('base64') };
    try {
      await this.bucket.write(name, Buffer.from(JSON.stringify(body)), 'application/json');
    } catch (error) {
      throw new StoreError('LEDGER_UNAVAILABLE', `could not add to the purge ledger in the region's bucket (${this.bucket.variable}); the purge or offboarding is not done until it is, and finishes when run again`, {
        retryable: true,
        cause: error,
      });
    }
  }

  async entries(): Promise<LedgerEntry[]> {
    const objects = (await this.bucket.list(LEDGER_PREFIX)).sort((a, b) => (a.name < b.name ? -1 : 1));
    const entries: LedgerEntry[] = [];
    for (const object of objects) {
      const body = await this.bucket.read(object.name);
      if (body === null) continue; // pruned meanwhile
      entries.push(await this.openEntry(object.name, body));
    }
    return entries;
  }

  async prune(before: Date): Promise<number> {
    let removed = 0;
    for (const object of await this.bucket.list(LEDGER_PREFIX)) {
      const at = completedAtOfName(object.name);
      if (Number.isFinite(at) && at < before.getTime()) {
        await this.bucket.delete(object.name);
        removed++;
      }
    }
    return removed;
  }

  private async openEntry(name: string, body: Buffer): Promise<LedgerEntry> {
    try {
      const object = SealedLedgerObjectSchema.parse(JSON.parse(body.toString('utf8')));
      const key = await this.wrapper().unwrap(Buffer.from(object.wrappedKey, 'base64'), aad(this.region, name));
      const entry = LedgerEntrySchema.parse(JSON.parse(open(key, Buffer.from(object.sealed, 'base64'), name).toString('utf8')));
      if (entry.region !== this.region || ledgerObjectName(entry) !== name) throw new Error('the entry names another place');
      return entry;
    } catch (error) {
      if (error instanceof AppError && error.retryable) throw error; // KMS unreachable: not a finding
      throw new StoreError('LEDGER_TAMPERED', `purge ledger entry ${name} does not open as one this region wrote: restore it from the bucket's object versions, or remove it once you know which purge it was`, {
        cause: error,
      });
    }
  }
}

/** A database opened without its region's bucket (a restore's target): purges there cannot complete. */
export const UNCONFIGURED_LEDGER: PurgeLedger = {
  append: () => Promise.reject(new StoreError('LEDGER_UNCONFIGURED', "this region's database was opened without its purge ledger: open it through RegionRouter.connect")),
  entries: () => Promise.resolve([]),
  prune: () => Promise.resolve(0),
};
