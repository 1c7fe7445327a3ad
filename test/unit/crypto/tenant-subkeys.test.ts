import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveSubkey, emailBlindIndex } from '../../../src/crypto/tenant-subkeys.js';

const tenantKey = randomBytes(32);

describe('tenant subkeys and the email blind index', () => {
  it('derives a different key per purpose and per tenant', () => {
    const keys = [
      deriveSubkey(tenantKey, 'acme', 'email-index'),
      deriveSubkey(tenantKey, 'acme', 'credentials'),
      deriveSubkey(tenantKey, 'acme', 'agent-key-wrap'),
      deriveSubkey(tenantKey, 'globex', 'email-index'),
    ].map((key) => key.toString('hex'));
    expect(new Set(keys).size).toBe(4);
  });

  it('indexes emails trimmed and lower-cased, as 64 hex characters', () => {
    const indexKey = deriveSubkey(tenantKey, 'acme', 'email-index');
    const index = emailBlindIndex(indexKey, 'Grace.Hopper@Example.com');
    expect(index).toMatch(/^[0-9a-f]{64}$/);
    expect(emailBlindIndex(indexKey, '  grace.hopper@example.COM ')).toBe(index);
    expect(emailBlindIndex(indexKey, 'grace.hopper@example.org')).not.toBe(index);
  });

  it('gives another tenant another index for the same email', () => {
    const email = 'grace@example.com';
    expect(emailBlindIndex(deriveSubkey(tenantKey, 'acme', 'email-index'), email)).not.toBe(
      emailBlindIndex(deriveSubkey(tenantKey, 'globex', 'email-index'), email),
    );
  });
});
