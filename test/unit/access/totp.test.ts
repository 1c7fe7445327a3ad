// TOTP and recovery codes (src/access/totp.ts): RFC 6238's own test vector, the window of
// one step either side, a code good once, and recovery codes with no look-alike symbols.
import { describe, expect, it } from 'vitest';
import { acceptedTotpStep, newRecoveryCodes, newTotpSecret, RECOVERY_CODES, secretHash, totpCodeAt, totpStepAt, totpUri } from '../../../src/access/totp.js';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP codes', () => {
  it('matches RFC 6238 appendix B (SHA-1; the last 6 of its 8 digits)', () => {
    expect(totpCodeAt(RFC_SECRET, new Date(59_000))).toBe('287082');
    expect(totpCodeAt(RFC_SECRET, new Date(1_111_111_109_000))).toBe('081804');
    expect(totpCodeAt(RFC_SECRET, new Date(2_000_000_000_000))).toBe('279037');
  });

  it('accepts the current step and one either side, and nothing further', () => {
    const now = new Date('2026-03-10T12:00:15Z');
    const step = totpStepAt(now);
    const at = (offset: number) => new Date(now.getTime() + offset * 30_000);
    expect(acceptedTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now), now, 0)).toBe(step);
    expect(acceptedTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, at(-1)), now, 0)).toBe(step - 1);
    expect(acceptedTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, at(1)), now, 0)).toBe(step + 1);
    expect(acceptedTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, at(-2)), now, 0)).toBeNull();
    expect(acceptedTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, at(2)), now, 0)).toBeNull();
  });

  it('accepts a code once: not for a step at or before the last one used', () => {
    const now = new Date('2026-03-10T12:00:15Z');
    const code = totpCodeAt(RFC_SECRET, now);
    const step = acceptedTotpStep(RFC_SECRET, code, now, 0) as number;
    expect(acceptedTotpStep(RFC_SECRET, code, now, step)).toBeNull();
    // The previous step's code, after the current one was used, is refused too.
    expect(acceptedTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, new Date(now.getTime() - 30_000)), now, step)).toBeNull();
  });

  it('refuses anything that is not six digits', () => {
    const now = new Date('2026-03-10T12:00:15Z');
    const code = totpCodeAt(RFC_SECRET, now);
    for (const bad of ['', `${code}0`, code.slice(1), ` ${code}`, 'abcdef', '12 456']) expect(acceptedTotpStep(RFC_SECRET, bad, now, 0)).toBeNull();
  });

  it('makes 160-bit base32 secrets and an otpauth URI for the QR code', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, 'tally:ada@example.test'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });
});

describe('recovery codes', () => {
  it('are ten different codes of 10 symbols without i, l, o or 1, hashed in a normal form', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODES);
    expect(new Set(codes).size).toBe(RECOVERY_CODES);
    for (const code of codes) expect(code).toMatch(/^[a-hjkmnp-z02-9]{5}-[a-hjkmnp-z02-9]{5}$/);
    expect(secretHash(` ${(codes[0] as string).toUpperCase()} `)).toBe(secretHash(codes[0] as string));
    expect(secretHash(codes[0] as string)).toMatch(/^[0-9a-f]{64}$/);
  });
});
