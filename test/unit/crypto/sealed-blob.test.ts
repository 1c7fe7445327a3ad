import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal, sealedKeyId } from '../../../src/crypto/sealed-blob.js';
import { CryptoError } from '../../../src/shared/errors.js';

const key = randomBytes(32);
const context = 'acme|42|name';
const codeOf = (action: () => unknown): string => {
  try {
    action();
  } catch (error) {
    if (error instanceof CryptoError) return error.code;
    throw error;
  }
  throw new Error('expected a CryptoError');
};

describe('sealed blob', () => {
  it('round-trips, with a fresh nonce each time', () => {
    const first = seal(key, 'agent:acme:42', Buffer.from('Grace Hopper'), context);
    const second = seal(key, 'agent:acme:42', Buffer.from('Grace Hopper'), context);
    expect(open(key, first, context).toString()).toBe('Grace Hopper');
    expect(first.equals(second)).toBe(false);
    expect(first.includes(Buffer.from('Grace'))).toBe(false);
  });

  it('lays out version, key id, nonce, ciphertext and tag', () => {
    const blob = seal(key, 'k1', Buffer.from('abc'), context);
    expect(blob[0]).toBe(1);
    expect(blob[1]).toBe(2);
    expect(blob.subarray(2, 4).toString()).toBe('k1');
    expect(blob.length).toBe(2 + 2 + 12 + 3 + 16);
    expect(sealedKeyId(blob)).toBe('k1');
  });

  it('detects a flipped bit anywhere', () => {
    const blob = seal(key, 'agent:acme:42', Buffer.from('grace@example.com'), context);
    for (let index = 2; index < blob.length; index++) {
      const tampered = Buffer.from(blob);
      tampered[index] = (tampered[index] ?? 0) ^ 0x04;
      expect(['CRYPTO_TAMPERED', 'CRYPTO_FORMAT']).toContain(codeOf(() => open(key, tampered, context)));
    }
  });

  it('rejects another context (record, agent or field)', () => {
    const blob = seal(key, 'agent:acme:42', Buffer.from('Grace'), context);
    expect(codeOf(() => open(key, blob, 'acme|42|email'))).toBe('CRYPTO_TAMPERED');
    expect(codeOf(() => open(key, blob, 'acme|43|name'))).toBe('CRYPTO_TAMPERED');
  });

  it('rejects the wrong key', () => {
    const blob = seal(key, 'agent:acme:42', Buffer.from('Grace'), context);
    expect(codeOf(() => open(randomBytes(32), blob, context))).toBe('CRYPTO_TAMPERED');
  });

  it('refuses unknown versions and truncated blobs with CRYPTO_FORMAT', () => {
    const blob = seal(key, 'agent:acme:42', Buffer.from('Grace'), context);
    const future = Buffer.from(blob);
    future[0] = 2;
    expect(codeOf(() => open(key, future, context))).toBe('CRYPTO_FORMAT');
    expect(codeOf(() => open(key, blob.subarray(0, 20), context))).toBe('CRYPTO_FORMAT');
    expect(codeOf(() => open(key, Buffer.alloc(0), context))).toBe('CRYPTO_FORMAT');
  });
});
