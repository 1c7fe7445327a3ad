/**
 * Dashboard passwords (docs/dashboard.md#people): the policy (at least 12 characters, not
 * one of the most common passwords) and the hash, scrypt (memory-hard: 64 MiB per hash
 * with N = 2^16, r = 8) with a per-person random salt, stored as
 * `scrypt$N$r$p$salt$hash`. Pure but for the hash's CPU time.
 */
import { randomBytes, scrypt as scryptCallback, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { InputError } from '../shared/errors.js';
import { isCommonPassword } from './common-passwords.js';

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 256;
const PARAMETERS = { N: 2 ** 16, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem above 128·N·r, the memory this cost takes.
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Refuses a password the policy does not allow; the message names the field and never repeats the password. */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) throw new InputError(field, `${field} is too short: use at least ${MIN_PASSWORD_LENGTH} characters (a few unrelated words work well)`);
  if (length > MAX_PASSWORD_LENGTH) throw new InputError(field, `${field} is too long: use at most ${MAX_PASSWORD_LENGTH} characters`);
  if (isCommonPassword(password)) throw new InputError(field, `${field} is one of the most common passwords: choose another`);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, PARAMETERS);
  return ['scrypt', PARAMETERS.N, PARAMETERS.r, PARAMETERS.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Whether the password matches the stored hash; a hash of another shape never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((value) => Number.isSafeInteger(value) && value > 0)) return false;
  const expected = Buffer.from(parts[5] as string, 'base64url');
  const given = await scrypt(password, Buffer.from(parts[4] as string, 'base64url'), { N, r, p });
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Spends a hash's time for a sign-in with an unknown email, so timing does not tell which emails have a person. */
export async function spendPasswordTime(password: string): Promise<void> {
  await scrypt(password, Buffer.alloc(16), PARAMETERS);
}
