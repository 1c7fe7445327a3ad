import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../src/crypto/crc32c.js';

describe('crc32c', () => {
  it('matches the Castagnoli check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('matches the RFC 3720 vector of 32 zero bytes', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });

  it('is 0 for no data', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('reads only the view it is given, not the whole underlying buffer', () => {
    const whole = Buffer.from('xx123456789yy');
    expect(crc32c(whole.subarray(2, 11))).toBe(0xe3069283);
  });
});
