// What the backup retention removes and which ledger entries a restore applies again (src/backup/backup-plan.ts, purge-ledger.ts).
import { describe, expect, it } from 'vitest';
import { BackupIdSchema, type BackupManifest, type LedgerEntry } from '../../../schemas/backup.js';
import { BACKUP_COLLECTIONS, backupsToRemove, LEDGER_SKEW_MS, LEFT_OUT, newBackupId, reappliesOnto, startedAtOfId } from '../../../src/backup/backup-plan.js';
import { completedAtOfName, ledgerObjectName } from '../../../src/backup/purge-ledger.js';
import { COLLECTIONS } from '../../../src/store/mongo/region-database.js';

const NOW = new Date('2026-12-03T12:00:00Z');
const id = (hoursAgo: number) => newBackupId(new Date(NOW.getTime() - hoursAgo * 3_600_000));
const complete = (backupId: string) => ({ backupId, objects: [], started: null, manifest: { backupId } as BackupManifest, bytes: 1 });
const incomplete = (backupId: string) => ({ backupId, objects: [], started: null, manifest: null, bytes: 1 });

describe('backup ids', () => {
  it('carry their start time and sort by it', () => {
    const at = new Date('2026-12-03T02:00:00.123Z');
    const made = newBackupId(at);
    expect(BackupIdSchema.parse(made)).toBe(made);
    expect(startedAtOfId(made)).toBe(at.getTime());
    expect(id(5) < id(1)).toBe(true);
  });
});

describe('what a backup holds', () => {
  it('covers every collection but the agents, their directory and the rollup caches, cursors first', () => {
    const held = BACKUP_COLLECTIONS.map((collection) => collection.name);
    expect([...held, ...LEFT_OUT].sort()).toEqual([...COLLECTIONS].sort());
    expect(held[0]).toBe('cursors');
    expect(BACKUP_COLLECTIONS.find((collection) => collection.name === 'keys')).toEqual({ name: 'keys', filter: { kind: 'tenant' } });
  });
});

describe('backup retention', () => {
  it('keeps the newest complete ones however old, removes older complete ones and day-old incomplete ones', () => {
    const [h100, h80, h30, h20, h2, h1] = [100, 80, 30, 20, 2, 1].map(id) as [string, string, string, string, string, string];
    const listings = [complete(h100), complete(h80), incomplete(h30), complete(h20), incomplete(h2), complete(h1)];
    expect(backupsToRemove(listings, 2, NOW).sort()).toEqual([h100, h80, h30].sort());
    expect(backupsToRemove(listings, 10, NOW)).toEqual([h30]);
    expect(backupsToRemove([complete(id(1000))], 1, NOW)).toEqual([]);
  });
});

describe('the purge ledger', () => {
  const entry: LedgerEntry = {
    kind: 'offboarding',
    region: 'eu',
    tenantId: 'acme',
    offboardingId: 'offboard:acme:1',
    completedAt: '2026-12-03T11:59:00.250Z',
    requestedBy: 'cli:ops',
    startedAt: '2026-12-03T11:58:00.000Z',
    counts: {},
  };

  it('names entries by completion time and a hash, never the tenant', () => {
    const name = ledgerObjectName(entry);
    expect(name).toMatch(/^purge-ledger\/20261203T115900250Z-[0-9a-f]{16}\.sealed$/);
    expect(name).not.toContain('acme');
    expect(completedAtOfName(name)).toBe(Date.parse(entry.completedAt));
    expect(ledgerObjectName({ ...entry, tenantId: 'other' })).not.toBe(name);
  });

  it('re-applies what completed since the backup began, less the clock allowance', () => {
    const started = new Date('2026-12-03T02:00:00Z');
    expect(reappliesOnto(new Date('2026-12-03T03:00:00Z'), started)).toBe(true);
    expect(reappliesOnto(new Date(started.getTime() - LEDGER_SKEW_MS), started)).toBe(true);
    expect(reappliesOnto(new Date(started.getTime() - LEDGER_SKEW_MS - 1), started)).toBe(false);
  });
});
