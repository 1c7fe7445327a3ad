// Dashboard passwords (src/access/passwords.ts): the policy names the field and never
// repeats the password; the scrypt hash has its own salt and verifies only its password.
import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../../src/access/passwords.js';

const refusal = (password: string) => {
  try {
    checkPasswordPolicy(password);
    return null;
  } catch (error) {
    return error as { code: string; field: string; message: string };
  }
};

describe('the password policy', () => {
  it('refuses fewer than 12 characters, naming the field', () => {
    const error = refusal('short-pass1');
    expect(error?.code).toBe('INPUT_INVALID');
    expect(error?.field).toBe('password');
    expect(error?.message).toContain('at least 12 characters');
    expect(error?.message).not.toContain('short-pass1');
  });

  it('refuses the most common passwords, whatever their case', () => {
    for (const common of ['1qaz2wsx3edc', 'QWERTY123456', 'qazwsxedcrfv']) {
      const error = refusal(common);
      expect(error?.message, common).toContain('most common passwords');
      expect(error?.message).not.toContain(common);
    }
  });

  it('takes a long uncommon one', () => {
    expect(refusal('copper lantern orbit 42')).toBeNull();
  });
});

describe('password hashes', () => {
  it('are scrypt with a salt of their own, and verify only their password', async () => {
    const first = await hashPassword('copper lantern orbit 42');
    const second = await hashPassword('copper lantern orbit 42');
    expect(first).toMatch(/^scrypt\$65536\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    expect(first).not.toContain('copper');
    expect(await verifyPassword('copper lantern orbit 42', first)).toBe(true);
    expect(await verifyPassword('copper lantern orbit 43', first)).toBe(false);
    expect(await verifyPassword('copper lantern orbit 42', 'bcrypt$whatever')).toBe(false);
  });
});
