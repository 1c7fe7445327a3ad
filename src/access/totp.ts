/**
 * TOTP two-factor codes (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) through the
 * `otpauth` library, and recovery codes (docs/dashboard.md#sign-in). A code is accepted
 * for the step before, the current one and the one after (clock drift), and only for a
 * step later than the last one accepted, so each code works once. Pure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const RECOVERY_CODES = 10;

function totpOf(secretBase32: string, label = 'tally'): TOTP {
  return new TOTP({ issuer: 'tally', label, algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secretBase32) });
}

/** A new secret of 160 bits (RFC 4226's recommendation), in base32 as authenticator apps take it. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The `otpauth://` URI an authenticator app reads from the QR code. */
export const totpUri = (secretBase32: string, label: string): string => totpOf(secretBase32, label).toString();

/** The time step of a moment. */
export const totpStepAt = (at: Date): number => Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);

/** The code of a step (tests, and anyone checking an app's clock). */
export const totpCodeAt = (secretBase32: string, at: Date): string => totpOf(secretBase32).generate({ timestamp: at.getTime() });

/**
 * The step a code belongs to when it is good now and later than `lastStep`, else null.
 * A code that is not six digits is never good.
 */
export function acceptedTotpStep(secretBase32: string, code: string, at: Date, lastStep: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secretBase32).validate({ token: code, timestamp: at.getTime(), window: 1 });
  if (delta === null) return null;
  const step = totpStepAt(at) + delta;
  return step > lastStep ? step : null;
}

/** Ten codes of 10 characters from an alphabet without look-alikes (50 bits each), shown once. */
export function newRecoveryCodes(): string[] {
  // 32 symbols, so each byte's low 5 bits pick one without bias; no i, l, o or 1.
  const alphabet = 'abcdefghjkmnpqrstuvwxyz023456789';
  return Array.from({ length: RECOVERY_CODES }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((byte) => alphabet[byte & 31]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** How a recovery code (or setup token) is kept: SHA-256 hex of its normal form; each carries 50+ random bits. */
export const secretHash = (code: string): string => createHash('sha256').update(code.trim().toLowerCase()).digest('hex');
