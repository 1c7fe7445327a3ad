import { CRC32C } from '@google-cloud/storage';

/** CRC32C (Castagnoli) of `data` as an unsigned 32-bit integer, as Cloud KMS uses it. */
export function crc32c(data: Uint8Array): number {
  const checksum = new CRC32C();
  checksum.update(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return checksum.valueOf() >>> 0;
}
