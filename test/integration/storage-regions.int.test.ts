// Encrypted, region-pinned storage against FerretDB and the KMS double, both regions.
import { BSON, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedIds, type StoredAgent, type StoredFact, type StoredTicket } from '../../schemas/records.js';
import { GcpKmsKeyWrapper } from '../../src/crypto/gcp-kms-key-wrapper.js';
import { createKmsClient } from '../../src/crypto/create-kms-client.js';
import { TenantKeyring } from '../../src/crypto/tenant-keyring.js';
import { CryptoError } from '../../src/shared/errors.js';
import { addTenant } from '../../src/tenants/add-tenant.js';
import { EU_KEY, startTwoRegions, type TwoRegions, US_KEY } from '../helpers/two-regions.js';
import { sealedAgent } from '../helpers/seed-agent.js';

let regions: TwoRegions;

beforeAll(async () => {
  regions = await startTwoRegions();
});
afterAll(() => regions?.close());

const addTestTenant = (id: string, region: 'us' | 'eu') =>
  addTenant(
    { router: regions.router, keyring: (r) => regions.keyring(r as 'us' | 'eu'), verify: () => Promise.resolve(), now: () => new Date() },
    {
      id,
      region,
      timeZone: 'Europe/Berlin',
      zendeskUrl: `https://${id}.zendesk.com`,
      zendeskEmail: `admin@${id}.example`,
      zendeskToken: `token-for-${id}-secret`,
      verify: false,
    },
  );

const storeAgent = (keyring: TenantKeyring, tenantId: string, agentId: number, name: string, email: string) =>
  sealedAgent(keyring, tenantId, agentId, name, email, new Date('2026-11-01T00:00:00Z'));

const fact = (tenantId: string, id: number, agentId: number): StoredFact => ({
  _id: `${tenantId}:solve:${id}:1`,
  tenantId,
  kind: 'solve',
  ticketId: id,
  agentId,
  at: new Date('2026-11-02T10:00:00Z'),
  day: '2026-11-02',
});

const ticket = (tenantId: string, id: number, agentId: number): StoredTicket => ({
  _id: storedIds.ticket(tenantId, id),
  tenantId,
  ticketId: id,
  assigneeId: agentId,
  groupId: null,
  status: 'solved',
  lastSolverId: agentId,
  assignments: [{ at: new Date('2026-11-02T09:00:00Z'), agentId }],
  lastEventAt: null,
  lastEventId: null,
  updatedAt: new Date('2026-11-02T10:00:00Z'),
});

async function allDocuments(): Promise<{ region: string; collection: string; bytes: Buffer; doc: Record<string, unknown> }[]> {
  const client = new MongoClient(regions.env['TALLY_US_MONGODB_URI'] ?? '');
  await client.connect();
  const found: { region: string; collection: string; bytes: Buffer; doc: Record<string, unknown> }[] = [];
  try {
    for (const region of ['us', 'eu'] as const) {
      const db = client.db(new URL(regions.env[`TALLY_${region.toUpperCase()}_MONGODB_URI`] ?? '').pathname.slice(1));
      for (const { name } of await db.listCollections().toArray()) {
        for (const doc of await db.collection(name).find({}).toArray()) {
          found.push({ region, collection: name, bytes: Buffer.from(BSON.serialize(doc)), doc });
        }
      }
    }
  } finally {
    await client.close();
  }
  return found;
}

const NAMES = { us: 'Quintessa Marlowe-US', eu: 'Ottoline Vasquez-EU' };
const EMAILS = { us: 'quintessa.us.unique@agents.example', eu: 'ottoline.eu.unique@agents.example' };

describe('region pinning and no plaintext at rest', () => {
  beforeAll(async () => {
    for (const region of ['us', 'eu'] as const) {
      const tenantId = `pin-${region}`;
      await addTestTenant(tenantId, region);
      const database = regions.router.region(region);
      const keyring = regions.keyring(region);
      await database.agents.upsertMany([await storeAgent(keyring, tenantId, 7, NAMES[region], EMAILS[region])]);
      await database.tickets.upsertMany([ticket(tenantId, 100, 7)]);
      await database.facts.insertMany([fact(tenantId, 100, 7), fact(tenantId, 101, 7)]);
    }
  });

  it('keeps every document of each tenant in its own region only', async () => {
    const documents = await allDocuments();
    expect(documents.length).toBeGreaterThan(8);
    for (const { region, bytes } of documents) {
      const other = region === 'us' ? 'pin-eu' : 'pin-us';
      expect(bytes.includes(Buffer.from(other))).toBe(false);
    }
    expect(await regions.router.regionOf('pin-eu')).toBe('eu');
    expect(await regions.router.regionOf('pin-us')).toBe('us');
  });

  it('stores no name, email, Zendesk email or token in the clear, as strings or bytes', async () => {
    const secrets = [...Object.values(NAMES), ...Object.values(EMAILS), 'admin@pin-us.example', 'token-for-pin-eu-secret'];
    for (const { bytes, collection } of await allDocuments()) {
      for (const secret of secrets) {
        for (const form of [secret, secret.toLowerCase(), secret.toUpperCase()]) {
          expect(bytes.includes(Buffer.from(form)), `${form} in ${collection}`).toBe(false);
          expect(bytes.includes(Buffer.from(form, 'utf16le')), `${form} (UTF-16) in ${collection}`).toBe(false);
        }
      }
    }
  });

  it('opens what it sealed, and finds an agent by email through the blind index', async () => {
    const keyring = regions.keyring('eu');
    const agents = regions.router.region('eu').agents;
    expect(await agents.findByEmailIndex('pin-eu', await keyring.emailIndex('pin-eu', 'someone.else@agents.example'))).toBeNull();
    const found = await agents.findByEmailIndex('pin-eu', await keyring.emailIndex('pin-eu', EMAILS.eu.toUpperCase()));
    expect(found?.zendeskUserId).toBe(7);
    expect(await keyring.openAgentField('pin-eu', 7, 'name', found?.name ?? new Uint8Array())).toBe(NAMES.eu);
    expect(await keyring.openAgentField('pin-eu', 7, 'email', found?.email ?? new Uint8Array())).toBe(EMAILS.eu);
  });

  it('cannot open an EU tenant key with the US KMS key', async () => {
    const stored = await regions.router.region('eu').keys.find(storedIds.tenantKey('pin-eu'));
    const usWrapper = new GcpKmsKeyWrapper(regions.kmsClient, US_KEY);
    const error = await usWrapper.unwrap(stored?.wrappedKey ?? new Uint8Array(), Buffer.from('tally/v1|tenant-key|pin-eu')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CryptoError);
    expect((error as CryptoError).code).toBe('KMS_DECRYPT_FAILED');
  });

  it('writes facts idempotently: a replay inserts nothing and reports duplicates', async () => {
    const facts = regions.router.region('us').facts;
    expect(await facts.insertMany([fact('pin-us', 100, 7), fact('pin-us', 102, 7)])).toEqual({ written: 1, duplicates: 1 });
    expect(await facts.insertMany([fact('pin-us', 100, 7), fact('pin-us', 102, 7)])).toEqual({ written: 0, duplicates: 2 });
  });

  it('refuses to write a shape the schema does not allow', async () => {
    const bad = { ...fact('pin-us', 200, 7), requesterName: 'Customer' } as unknown as StoredFact;
    await expect(regions.router.region('us').facts.insertMany([bad])).rejects.toThrow(/requesterName/);
  });
});

describe('crypto failures each have their own code', () => {
  const codeOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => undefined, (caught: unknown) => caught);
    if (error instanceof CryptoError) return error.code;
    throw new Error(`expected a CryptoError, got ${String(error)}`);
  };

  beforeAll(async () => {
    await addTestTenant('crypto-a', 'us');
    await addTestTenant('crypto-b', 'us');
  });

  it('a tampered blob: CRYPTO_TAMPERED; the wrong field: CRYPTO_TAMPERED', async () => {
    const keyring = regions.keyring('us');
    const { blob } = await keyring.sealAgentField('crypto-a', 1, 'name', 'Ada');
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(await codeOf(keyring.openAgentField('crypto-a', 1, 'name', tampered))).toBe('CRYPTO_TAMPERED');
    expect(await codeOf(keyring.openAgentField('crypto-a', 1, 'email', blob))).toBe('CRYPTO_TAMPERED');
    expect(await codeOf(keyring.openAgentField('crypto-a', 2, 'name', blob))).toBe('CRYPTO_TAMPERED');
  });

  it('another tenant: CRYPTO_WRONG_TENANT', async () => {
    const keyring = regions.keyring('us');
    const { blob } = await keyring.sealAgentField('crypto-a', 1, 'name', 'Ada');
    expect(await codeOf(keyring.openAgentField('crypto-b', 1, 'name', blob))).toBe('CRYPTO_WRONG_TENANT');
    const credential = await keyring.sealCredential('crypto-a', 'token', 'secret-token');
    expect(await codeOf(keyring.openCredential('crypto-b', 'token', credential))).toBe('CRYPTO_WRONG_TENANT');
  });

  it('a shredded agent key: CRYPTO_KEY_MISSING, never a plaintext fallback', async () => {
    const keyring = regions.keyring('us');
    const { blob } = await keyring.sealAgentField('crypto-a', 3, 'name', 'Ada');
    await regions.router.region('us').keys.delete(storedIds.agentKey('crypto-a', 3));
    keyring.forget('crypto-a', 3);
    expect(await codeOf(keyring.openAgentField('crypto-a', 3, 'name', blob))).toBe('CRYPTO_KEY_MISSING');
  });

  it('an unavailable KMS: KMS_UNAVAILABLE', async () => {
    const client = createKmsClient('http://127.0.0.1:9');
    try {
      const keyring = new TenantKeyring(regions.router.region('us').keys, new GcpKmsKeyWrapper(client, US_KEY));
      expect(await codeOf(keyring.emailIndex('crypto-a', 'x@example.com'))).toBe('KMS_UNAVAILABLE');
    } finally {
      await client.close();
    }
  });
});

describe('key rotation, caching and KMS calls', () => {
  const kmsCalls = (since: number) => regions.kms.requestLog.slice(since).filter((r) => /:(en|de)crypt$/.test(r.path)).length;

  it('wraps new tenant keys with a new primary version, opens old ones, and rewraps them all', async () => {
    await addTestTenant('rotate-old', 'eu');
    const keyring = regions.keyring('eu');
    const sealed = await keyring.sealAgentField('rotate-old', 9, 'name', 'Before Rotation');

    const [version] = await regions.kmsClient.createCryptoKeyVersion({ parent: EU_KEY, cryptoKeyVersion: {} });
    const versionId = (version.name ?? '').split('/').at(-1) ?? '';
    await regions.kmsClient.updateCryptoKeyPrimaryVersion({ name: EU_KEY, cryptoKeyVersionId: versionId });

    await addTestTenant('rotate-new', 'eu');
    const keys = regions.router.region('eu').keys;
    expect((await keys.find(storedIds.tenantKey('rotate-new')))?.kekVersion).toBe(`${EU_KEY}/cryptoKeyVersions/${versionId}`);
    expect((await keys.find(storedIds.tenantKey('rotate-old')))?.kekVersion).toBe(`${EU_KEY}/cryptoKeyVersions/1`);
    expect(await regions.keyring('eu').openAgentField('rotate-old', 9, 'name', sealed.blob)).toBe('Before Rotation');

    const result = await regions.keyring('eu').rewrapTenantKeys();
    expect(result.changedVersion).toBeGreaterThanOrEqual(1);
    for await (const stored of keys.tenantKeys()) expect(stored.kekVersion).toBe(`${EU_KEY}/cryptoKeyVersions/${versionId}`);
    expect(await regions.keyring('eu').openAgentField('rotate-old', 9, 'name', sealed.blob)).toBe('Before Rotation');
  });

  it('keeps at most maxTenantKeys unwrapped tenant keys, for at most the TTL', async () => {
    for (const id of ['cache-1', 'cache-2', 'cache-3']) await addTestTenant(id, 'us');
    let clock = Date.parse('2026-11-02T10:00:00Z');
    const keyring = regions.keyring('us', { tenantKeyTtlMs: 100, maxTenantKeys: 2, maxAgentKeys: 10 }, () => new Date(clock));
    for (const id of ['cache-1', 'cache-2', 'cache-3']) await keyring.emailIndex(id, 'a@example.com');
    expect(keyring.cachedTenantKeys).toBe(2);
    for (let agent = 1; agent <= 20; agent++) await keyring.sealAgentField('cache-1', agent, 'name', 'x');
    expect(keyring.cachedAgentKeys).toBe(10);
    const before = regions.kms.requestLog.length;
    await keyring.emailIndex('cache-3', 'a@example.com');
    expect(kmsCalls(before)).toBe(0);
    clock += 150;
    await keyring.emailIndex('cache-3', 'a@example.com');
    expect(kmsCalls(before)).toBe(1);
  });

  it('makes one KMS call for 1,000 agents of one tenant', async () => {
    await addTestTenant('thousand', 'us');
    const keyring = regions.keyring('us');
    const before = regions.kms.requestLog.length;
    const agents: StoredAgent[] = [];
    for (let agent = 1; agent <= 1000; agent++) {
      agents.push(await storeAgent(keyring, 'thousand', agent, `Agent ${agent}`, `agent${agent}@thousand.example`));
    }
    await regions.router.region('us').agents.upsertMany(agents);
    const reader = regions.keyring('us');
    for (const agent of agents.slice(0, 100)) await reader.openAgentField('thousand', agent.zendeskUserId, 'email', agent.email);
    expect(kmsCalls(before)).toBe(2); // one unwrap for the writer, one for the reader
  });
});
