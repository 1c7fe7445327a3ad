import { createHash } from 'node:crypto';

/**
 * Where in each interval a (tenant, stream)'s tick fires: spread by a hash of the
 * tenant id so tenants do not all fire together, and each tenant's streams a fixed
 * step apart so its own syncs do not start at once either.
 */
export function scheduleOffsetMs(tenantId: string, streamIndex: number, intervalMs: number, streamCount: number): number {
  const hash = createHash('sha256').update(tenantId).digest().readUInt32BE(0);
  const base = hash % intervalMs;
  const step = Math.floor(intervalMs / Math.max(1, streamCount));
  return (base + streamIndex * step) % intervalMs;
}
