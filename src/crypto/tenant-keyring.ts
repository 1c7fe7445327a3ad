import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { storedIds, type StoredKey } from '../../schemas/records.js';
import { CryptoError, InputError } from '../shared/errors.js';
import type { KeyStore } from '../store/ports.js';
import type { KeyWrapper } from './key-wrapper.js';
import { DATA_KEY_BYTES, open, seal, sealedKeyId } from './sealed-blob.js';
import { deriveSubkey, emailBlindIndex, recordIdHash } from './tenant-subkeys.js';

export interface KeyringLimits {
  /** How long an unwrapped tenant key stays in memory. */
  readonly tenantKeyTtlMs: number;
  readonly maxTenantKeys: number;
  readonly maxAgentKeys: number;
}

export const DEFAULT_KEYRING_LIMITS: KeyringLimits = { tenantKeyTtlMs: 10 * 60_000, maxTenantKeys: 1_000, maxAgentKeys: 50_000 };

export type AgentField = 'name' | 'email';

/**
 * The key hierarchy of one region (docs/architecture.md#key-hierarchy): the region's KMS key wraps each
 * tenant key; each tenant key (through HKDF subkeys) wraps per-agent data keys,
 * seals Zendesk credentials, keys the email blind index and the audit chain's MACs. Unwrapped keys are
 * cached for a bounded time and count, so KMS sees one call per tenant per TTL,
 * not one per record.
 */
export class TenantKeyring {
  private readonly tenantKeys: LRUCache<string, Buffer>;
  private readonly agentKeys: LRUCache<string, Buffer>;

  constructor(
    private readonly keys: KeyStore,
    private readonly wrapper: KeyWrapper,
    private readonly now: () => Date = () => new Date(),
    limits: KeyringLimits = DEFAULT_KEYRING_LIMITS,
  ) {
    // The caches expire on the keyring's clock, so tests can move time instead of sleeping.
    const perf = { now: () => this.now().getTime() };
    this.tenantKeys = new LRUCache({ max: limits.maxTenantKeys, ttl: limits.tenantKeyTtlMs, ttlResolution: 0, perf });
    this.agentKeys = new LRUCache({ max: limits.maxAgentKeys, ttl: limits.tenantKeyTtlMs, ttlResolution: 0, perf });
  }

  /** Makes and stores a new tenant key, wrapped by the primary KMS key version. */
  async createTenantKey(tenantId: string): Promise<void> {
    const key = randomBytes(DATA_KEY_BYTES);
    const wrapped = await this.wrapper.wrap(key, tenantAad(tenantId));
    const outcome = await this.keys.insert({
      _id: storedIds.tenantKey(tenantId),
      kind: 'tenant',
      tenantId,
      wrappedKey: Buffer.from(wrapped.ciphertext),
      kekVersion: wrapped.keyVersion,
      createdAt: this.now(),
    });
    if (outcome === 'exists') throw new CryptoError('CRYPTO_KEY_EXISTS', `tenant ${tenantId} already has a key`);
    this.tenantKeys.set(tenantId, key);
  }

  /** Removes a tenant key and forgets it (offboarding, or undoing a failed add). */
  async destroyTenantKey(tenantId: string): Promise<void> {
    await this.keys.delete(storedIds.tenantKey(tenantId));
    this.forget(tenantId);
  }

  sealCredential(tenantId: string, field: 'email' | 'token', value: string): Promise<Buffer> {
    return this.withTenantKey(tenantId, (key) =>
      seal(deriveSubkey(key, tenantId, 'credentials'), storedIds.tenantKey(tenantId), Buffer.from(value), credentialContext(tenantId, field)),
    );
  }

  async openCredential(tenantId: string, field: 'email' | 'token', blob: Uint8Array): Promise<string> {
    this.requireOwner(blob, storedIds.tenantKey(tenantId), tenantId);
    return this.withTenantKey(tenantId, (key) =>
      open(deriveSubkey(key, tenantId, 'credentials'), blob, credentialContext(tenantId, field)).toString('utf8'),
    );
  }

  /**
   * Seals a purge request's reason (free text privacy staff may fill with personal
   * data) under the tenant's purge-reason subkey, bound to that request.
   */
  sealPurgeReason(tenantId: string, requestId: string, reason: string): Promise<Buffer> {
    return this.withTenantKey(tenantId, (key) =>
      seal(deriveSubkey(key, tenantId, 'purge-reason'), storedIds.tenantKey(tenantId), Buffer.from(reason), purgeReasonContext(tenantId, requestId)),
    );
  }

  async openPurgeReason(tenantId: string, requestId: string, blob: Uint8Array): Promise<string> {
    this.requireOwner(blob, storedIds.tenantKey(tenantId), tenantId);
    return this.withTenantKey(tenantId, (key) =>
      open(deriveSubkey(key, tenantId, 'purge-reason'), blob, purgeReasonContext(tenantId, requestId)).toString('utf8'),
    );
  }

  /** Seals a group's or brand's name (the tenant's data, docs/metrics.md#dimensions) under the tenant's dimension-name subkey, bound to that record. */
  sealDimensionName(tenantId: string, kind: 'group' | 'brand', id: number, name: string): Promise<Buffer> {
    return this.withTenantKey(tenantId, (key) =>
      seal(deriveSubkey(key, tenantId, 'dimension-name'), storedIds.tenantKey(tenantId), Buffer.from(name), dimensionContext(tenantId, kind, id)),
    );
  }

  async openDimensionName(tenantId: string, kind: 'group' | 'brand', id: number, blob: Uint8Array): Promise<string> {
    this.requireOwner(blob, storedIds.tenantKey(tenantId), tenantId);
    return this.withTenantKey(tenantId, (key) => open(deriveSubkey(key, tenantId, 'dimension-name'), blob, dimensionContext(tenantId, kind, id)).toString('utf8'));
  }

  /**
   * The blind index of an email a person gave (purge, export). A blank email has
   * none: every agent without an email would share it, so it is refused.
   */
  async emailIndex(tenantId: string, email: string): Promise<string> {
    const index = await this.agentEmailIndex(tenantId, email);
    if (index === undefined) throw new InputError('--email', '--email is empty: give the agent’s address, e.g. name@example.com, or use --agent ZENDESK_USER_ID');
    return index;
  }

  /** The blind index of a stored agent's email; none for a missing or blank email, so no two such agents match. */
  agentEmailIndex(tenantId: string, email: string | null | undefined): Promise<string | undefined> {
    if (email === null || email === undefined || email.trim() === '') return Promise.resolve(undefined);
    return this.withTenantKey(tenantId, (key) => emailBlindIndex(deriveSubkey(key, tenantId, 'email-index'), email));
  }

  /**
   * Seals a field of a dashboard person (docs/dashboard.md#people): their email or TOTP
   * secret, under the tenant's person subkey, bound to that person and field.
   */
  sealPersonField(tenantId: string, personId: string, field: 'email' | 'totp', value: string): Promise<Buffer> {
    return this.withTenantKey(tenantId, (key) => seal(deriveSubkey(key, tenantId, 'person'), storedIds.tenantKey(tenantId), Buffer.from(value), personContext(tenantId, personId, field)));
  }

  async openPersonField(tenantId: string, personId: string, field: 'email' | 'totp', blob: Uint8Array): Promise<string> {
    this.requireOwner(blob, storedIds.tenantKey(tenantId), tenantId);
    return this.withTenantKey(tenantId, (key) => open(deriveSubkey(key, tenantId, 'person'), blob, personContext(tenantId, personId, field)).toString('utf8'));
  }

  /** The blind index of a person's email: its own subkey, so a person's index never equals an agent's. */
  personEmailIndex(tenantId: string, email: string): Promise<string> {
    return this.withTenantKey(tenantId, (key) => emailBlindIndex(deriveSubkey(key, tenantId, 'person-email-index'), email));
  }

  /** The HMAC key of the tenant's audit chain (src/audit/audit-chain.ts). */
  auditChainKey(tenantId: string): Promise<Buffer> {
    return this.withTenantKey(tenantId, (key) => deriveSubkey(key, tenantId, 'audit-chain'));
  }

  /** Hashes record ids that are not Zendesk ids for quarantine entries (src/ingest/validate-records.ts), under the tenant's record-id subkey. */
  async recordIdHasher(tenantId: string): Promise<(rawId: string) => string> {
    const key = await this.withTenantKey(tenantId, (tenantKey) => deriveSubkey(tenantKey, tenantId, 'record-id'));
    return (rawId) => recordIdHash(key, rawId);
  }

  /** Seals an agent's name or email under that agent's data key, made on first use. */
  async sealAgentField(tenantId: string, agentId: number, field: AgentField, value: string): Promise<{ blob: Buffer; keyId: string }> {
    const keyId = storedIds.agentKey(tenantId, agentId);
    const key = await this.agentKey(tenantId, agentId, true);
    return { blob: seal(key, keyId, Buffer.from(value), agentContext(tenantId, agentId, field)), keyId };
  }

  async openAgentField(tenantId: string, agentId: number, field: AgentField, blob: Uint8Array): Promise<string> {
    this.requireOwner(blob, storedIds.agentKey(tenantId, agentId), tenantId);
    const key = await this.agentKey(tenantId, agentId, false);
    return open(key, blob, agentContext(tenantId, agentId, field)).toString('utf8');
  }

  /**
   * Opens the name and email of several agents, reading their data keys in one batch
   * (one round trip rather than one per agent); errors as openAgentField's.
   */
  async openAgentIdentities(
    tenantId: string,
    agents: readonly { zendeskUserId: number; name: Uint8Array; email: Uint8Array }[],
  ): Promise<Map<number, { name: string; email: string }>> {
    await this.cacheStoredAgentKeys(tenantId, this.uncachedAgents(tenantId, agents.map((agent) => agent.zendeskUserId)));
    const identities = new Map<number, { name: string; email: string }>();
    for (const agent of agents) {
      identities.set(agent.zendeskUserId, {
        name: await this.openAgentField(tenantId, agent.zendeskUserId, 'name', agent.name),
        email: await this.openAgentField(tenantId, agent.zendeskUserId, 'email', agent.email),
      });
    }
    return identities;
  }

  /**
   * Unwraps the tenant's key now, if it is not cached: a read that will open names starts
   * this KMS call while it reads its numbers, instead of after them.
   */
  async prepareTenantKey(tenantId: string): Promise<void> {
    await this.tenantKey(tenantId);
  }

  /** Forgets cached keys of a tenant or one agent (after shredding, so no copy survives in memory). */
  forget(tenantId: string, agentId?: number): void {
    if (agentId === undefined) {
      this.tenantKeys.delete(tenantId);
      for (const id of [...this.agentKeys.keys()]) if (id.startsWith(`agent:${tenantId}:`)) this.agentKeys.delete(id);
    } else {
      this.agentKeys.delete(storedIds.agentKey(tenantId, agentId));
    }
  }

  /** Rewraps every tenant key of the region with the KMS key's primary version. */
  async rewrapTenantKeys(): Promise<{ tenantKeys: number; changedVersion: number }> {
    let tenantKeys = 0;
    let changedVersion = 0;
    for await (const stored of this.keys.tenantKeys()) {
      const key = await this.wrapper.unwrap(stored.wrappedKey, tenantAad(stored.tenantId));
      const wrapped = await this.wrapper.wrap(key, tenantAad(stored.tenantId));
      await this.keys.replaceWrapped(stored._id, wrapped.ciphertext, wrapped.keyVersion, this.now());
      tenantKeys++;
      if (wrapped.keyVersion !== stored.kekVersion) changedVersion++;
    }
    return { tenantKeys, changedVersion };
  }

  get cachedTenantKeys(): number {
    return this.tenantKeys.size;
  }

  get cachedAgentKeys(): number {
    return this.agentKeys.size;
  }

  private async withTenantKey<T>(tenantId: string, use: (key: Buffer) => T): Promise<T> {
    return use(await this.tenantKey(tenantId));
  }

  private async tenantKey(tenantId: string): Promise<Buffer> {
    const cached = this.tenantKeys.get(tenantId);
    if (cached) return cached;
    const stored = await this.keys.find(storedIds.tenantKey(tenantId));
    if (!stored) throw missing(`the key of tenant ${tenantId}`);
    const key = Buffer.from(await this.wrapper.unwrap(stored.wrappedKey, tenantAad(tenantId)));
    this.tenantKeys.set(tenantId, key);
    return key;
  }

  private async agentKey(tenantId: string, agentId: number, create: boolean): Promise<Buffer> {
    const id = storedIds.agentKey(tenantId, agentId);
    const cached = this.agentKeys.get(id);
    if (cached) return cached;
    let stored: StoredKey | null = await this.keys.find(id);
    if (!stored && create) {
      const key = randomBytes(DATA_KEY_BYTES);
      const outcome = await this.keys.insert(await this.wrappedAgentKey(tenantId, agentId, key));
      if (outcome === 'inserted') {
        this.agentKeys.set(id, key);
        return key;
      }
      stored = await this.keys.find(id); // another process made it first: use theirs
    }
    if (!stored) throw missing(`the data key of agent ${agentId} of tenant ${tenantId} (shredded by a purge, or never created)`);
    const key = await this.unwrapAgentKey(tenantId, agentId, stored.wrappedKey);
    this.agentKeys.set(id, key);
    return key;
  }

  /**
   * Reads, or makes, the data keys of several agents at once (one read and one write
   * rather than two round trips per agent), so that sealing their fields finds them
   * cached. Call it only for agents whose fields are about to be sealed.
   */
  async prepareAgentKeys(tenantId: string, agentIds: readonly number[]): Promise<void> {
    const wanted = this.uncachedAgents(tenantId, agentIds);
    if (wanted.length === 0) return;
    const found = await this.cacheStoredAgentKeys(tenantId, wanted);
    const made = wanted.filter((agentId) => !found.has(agentId)).map((agentId) => ({ agentId, key: randomBytes(DATA_KEY_BYTES) }));
    const documents = await Promise.all(made.map(({ agentId, key }) => this.wrappedAgentKey(tenantId, agentId, key)));
    // Keys another process made first are left uncached: sealing reads theirs.
    const existed = new Set(documents.length > 0 ? await this.keys.insertMany(documents) : []);
    for (const { agentId, key } of made) if (!existed.has(storedIds.agentKey(tenantId, agentId))) this.agentKeys.set(storedIds.agentKey(tenantId, agentId), key);
  }

  private uncachedAgents(tenantId: string, agentIds: readonly number[]): number[] {
    return [...new Set(agentIds)].filter((agentId) => !this.agentKeys.has(storedIds.agentKey(tenantId, agentId)));
  }

  /** Reads the stored data keys of these agents in one batch and caches them: the ids found. */
  private async cacheStoredAgentKeys(tenantId: string, agentIds: readonly number[]): Promise<Set<number>> {
    const found = new Set<number>();
    if (agentIds.length === 0) return found;
    for (const key of await this.keys.findMany(tenantId, agentIds.map((agentId) => storedIds.agentKey(tenantId, agentId)))) {
      if (key.agentId === undefined) continue;
      this.agentKeys.set(key._id, await this.unwrapAgentKey(tenantId, key.agentId, key.wrappedKey));
      found.add(key.agentId);
    }
    return found;
  }

  private async wrappedAgentKey(tenantId: string, agentId: number, key: Buffer): Promise<StoredKey> {
    const wrappedKey = await this.withTenantKey(tenantId, (tenantKey) =>
      seal(deriveSubkey(tenantKey, tenantId, 'agent-key-wrap'), storedIds.tenantKey(tenantId), key, agentKeyContext(tenantId, agentId)),
    );
    return { _id: storedIds.agentKey(tenantId, agentId), kind: 'agent', tenantId, agentId, wrappedKey, createdAt: this.now() };
  }

  private unwrapAgentKey(tenantId: string, agentId: number, wrapped: Uint8Array): Promise<Buffer> {
    return this.withTenantKey(tenantId, (tenantKey) => open(deriveSubkey(tenantKey, tenantId, 'agent-key-wrap'), wrapped, agentKeyContext(tenantId, agentId)));
  }

  private requireOwner(blob: Uint8Array, expectedKeyId: string, tenantId: string): void {
    const keyId = sealedKeyId(blob);
    if (keyId === expectedKeyId) return;
    const owner = /^(?:tenant|agent):([^:]+)/.exec(keyId)?.[1];
    if (owner !== tenantId) {
      throw new CryptoError('CRYPTO_WRONG_TENANT', `a sealed value of another tenant was presented as tenant ${tenantId}'s`);
    }
    throw new CryptoError('CRYPTO_TAMPERED', `a sealed value under key ${keyId} was presented as ${expectedKeyId}'s`);
  }
}

const tenantAad = (tenantId: string) => Buffer.from(`tally/v1|tenant-key|${tenantId}`);
const agentKeyContext = (tenantId: string, agentId: number) => `agent-key|${tenantId}|${agentId}`;
const agentContext = (tenantId: string, agentId: number, field: AgentField) => `${tenantId}|${agentId}|${field}`;
const credentialContext = (tenantId: string, field: string) => `${tenantId}|zendesk|${field}`;
const purgeReasonContext = (tenantId: string, requestId: string) => `${tenantId}|purge|${requestId}|reason`;
const dimensionContext = (tenantId: string, kind: string, id: number) => `${tenantId}|${kind}|${id}|name`;
const personContext = (tenantId: string, personId: string, field: string) => `${tenantId}|person|${personId}|${field}`;
const missing = (what: string) => new CryptoError('CRYPTO_KEY_MISSING', `${what} is missing`);
