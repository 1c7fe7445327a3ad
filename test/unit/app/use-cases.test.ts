// The use cases the roots expose (src/app/use-cases.ts), on the memory stores: they
// reach data only through the ports they are given, and refuse bad input naming the flag.
import { describe, expect, it } from 'vitest';
import { createUseCases, type UseCasePorts } from '../../../src/app/use-cases.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { memoryRegion } from '../store/memory-region.js';

const NOW = new Date('2026-03-10T12:00:00Z');

function useCasesOn(region = memoryRegion(() => NOW), opened: string[] = []) {
  const ports: UseCasePorts = {
    config: loadConfig({}),
    router: region.regions,
    keyring: () => region.keyring,
    redis: () => {
      throw new Error('no Redis in unit tests');
    },
    sync: () => ({
      openZendesk: (tenant) => {
        opened.push(tenant._id);
        return Promise.reject(new Error('no Zendesk in unit tests'));
      },
      locks: { buckets: { hold: (_id, work) => work(() => Promise.resolve(true)) }, tickets: { hold: (_id, work) => work(() => Promise.resolve(true)) } },
      now: () => NOW,
    }),
    syncDatabase: () => {
      throw new Error('the sync reached its database before its checks');
    },
    backups: () => {
      throw new Error('no bucket in unit tests');
    },
    now: () => NOW,
  };
  return createUseCases(ports, { actor: 'unit' });
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: 'none', field: undefined, message: '' }),
    (error: { code?: string; field?: string; message: string }) => error,
  );

describe('the use cases of the composition root', () => {
  it('lists every region’s tenants and shows one, without secrets', async () => {
    const region = memoryRegion(() => NOW);
    await region.addTenant('acme');
    const useCases = useCasesOn(region);
    const listed = await useCases.tenants.list();
    expect(listed.map((view) => [view.id, view.region])).toEqual([['acme', 'eu']]);
    const shown = await useCases.tenants.show('acme');
    expect(shown).toEqual(listed[0]);
    expect(JSON.stringify(shown)).not.toContain('credentials');
  });

  it('shows no tenant that no region has', async () => {
    const failure = await failureOf(useCasesOn().tenants.show('nosuch'));
    expect(failure.code).toBe('TENANT_UNKNOWN');
    expect(failure.message).toContain('no tenant nosuch in any configured region');
  });

  it('refuses to sync a tenant no region has, naming --tenant, before opening Zendesk', async () => {
    const opened: string[] = [];
    const failure = await failureOf(useCasesOn(memoryRegion(() => NOW), opened).syncTenant('nosuch'));
    expect(failure.code).toBe('INPUT_INVALID');
    expect(failure.message).toContain('--tenant nosuch is not a tenant');
    expect(opened).toEqual([]);
  });

  it('runs retention only in configured regions, naming --region otherwise', async () => {
    const region = memoryRegion(() => NOW);
    await region.addTenant('acme');
    const useCases = useCasesOn(region);
    const failure = await failureOf(useCases.retention.run('mars'));
    expect(failure.code).toBe('INPUT_INVALID');
    expect(failure.message).toContain('--region mars is not configured: use one of eu, us');
    const runs = await useCases.retention.run('eu');
    expect(runs.map((run) => [run.region, run.tenant])).toEqual([['eu', 'acme']]);
  });

  it('rewraps keys only of a configured region', async () => {
    const failure = await failureOf(useCasesOn().keys.rewrap(undefined));
    expect(failure.code).toBe('INPUT_INVALID');
    expect(failure.message).toContain('--region must be one of eu, us');
  });
});
