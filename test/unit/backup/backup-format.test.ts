// The data object's format (src/backup/backup-format.ts): frames read back as written,
// and every kind of damage refused with its own code.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { BSON } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { BACKUP_FORMAT } from '../../../schemas/backup.js';
import { canonicalJson, deserialiseDocuments, encodeFrame, encodeHeader, type Frame, manifestMac, openFrame, readFrames } from '../../../src/backup/backup-format.js';

const key = randomBytes(32);
const header = { format: BACKUP_FORMAT, backupId: '20261203T020000123Z-1a2b3c4d', region: 'eu', startedAt: '2026-12-03T02:00:00.123Z', wrappedKey: 'd3JhcHBlZA==', keyVersion: 'v1' } as const;
const documents = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ _id: `t:${from + i}`, at: new Date(Date.UTC(2026, 5, 1) + from + i), value: from + i, blob: Buffer.from([1, 2, 3]) }));
const payload = (docs: object[]) => gzipSync(Buffer.concat(docs.map((doc) => BSON.serialize(doc))));

function object(): { bytes: Buffer; frames: { start: number; length: number }[] } {
  const parts = [encodeHeader(header)];
  [documents(0, 3), documents(3, 4), documents(7, 2)].forEach((docs, i) => parts.push(encodeFrame(key, header, { i, c: i < 2 ? 'facts' : 'audit', n: docs.length, end: false }, payload(docs))));
  parts.push(encodeFrame(key, header, { i: 3, c: '', n: 0, end: true }, Buffer.alloc(0)));
  let start = 0;
  const frames = parts.map((part) => {
    const frame = { start, length: part.length };
    start += part.length;
    return frame;
  });
  return { bytes: Buffer.concat(parts), frames };
}

/** Reads every frame, in pieces of `piece` bytes, opening each chunk. */
async function readAll(bytes: Buffer, piece = 7): Promise<{ frames: Frame[]; docs: Record<string, unknown>[] }> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += piece) pieces.push(bytes.subarray(at, at + piece));
  const frames: Frame[] = [];
  const docs: Record<string, unknown>[] = [];
  for await (const frame of readFrames(Readable.from(pieces))) {
    frames.push(frame);
    if (frame.kind === 'chunk' && !frame.meta.end) {
      const { gunzipSync } = await import('node:zlib');
      docs.push(...deserialiseDocuments(gunzipSync(openFrame(key, header, frame))));
    }
  }
  return { frames, docs };
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'none', (error: { code?: string }) => error.code ?? 'no code');

describe('the backup data object', () => {
  it('reads back what was written, in any piece sizes, dates and bytes included', async () => {
    const { bytes } = object();
    for (const piece of [1, 7, 4096]) {
      const { frames, docs } = await readAll(bytes, piece);
      expect(frames.map((frame) => (frame.kind === 'header' ? 'header' : `${frame.meta.i}:${frame.meta.c}:${frame.meta.n}`))).toEqual(['header', '0:facts:3', '1:facts:4', '2:audit:2', '3::0']);
      expect(docs).toEqual(documents(0, 9));
    }
  });

  it('refuses a flipped byte in a chunk (BACKUP_TAMPERED)', async () => {
    const { bytes, frames } = object();
    const damaged = Buffer.from(bytes);
    const at = (frames[2] as { start: number }).start + 40;
    damaged.writeUInt8(damaged.readUInt8(at) ^ 1, at);
    expect(await codeOf(readAll(damaged))).toBe('BACKUP_TAMPERED');
  });

  it('refuses an object cut inside a frame, or at a frame boundary before the end frame (BACKUP_TRUNCATED)', async () => {
    const { bytes, frames } = object();
    expect(await codeOf(readAll(bytes.subarray(0, bytes.length - 5)))).toBe('BACKUP_TRUNCATED');
    expect(await codeOf(readAll(bytes.subarray(0, (frames[4] as { start: number }).start)))).toBe('BACKUP_TRUNCATED');
    expect(await codeOf(readAll(Buffer.alloc(0)))).toBe('BACKUP_TRUNCATED');
  });

  it('refuses anything after the end frame, and an object that is not a backup', async () => {
    const { bytes, frames } = object();
    const chunk = bytes.subarray((frames[1] as { start: number }).start, (frames[2] as { start: number }).start);
    expect(await codeOf(readAll(Buffer.concat([bytes, chunk])))).toBe('BACKUP_TAMPERED');
    expect(await codeOf(readAll(Buffer.from('PK\u0003\u0004 not a backup at all')))).toBe('BACKUP_TAMPERED');
  });

  it('binds a chunk to its backup, region and meta: one moved elsewhere fails authentication', async () => {
    const { bytes } = object();
    const { frames } = await readAll(bytes);
    const chunk = frames[1] as Extract<Frame, { kind: 'chunk' }>;
    expect(() => openFrame(key, { ...header, backupId: '20261203T020000123Z-ffffffff' }, chunk)).toThrow(expect.objectContaining({ code: 'BACKUP_TAMPERED' }));
    expect(() => openFrame(key, { ...header, region: 'us' }, chunk)).toThrow(expect.objectContaining({ code: 'BACKUP_TAMPERED' }));
    expect(() => openFrame(key, header, { ...chunk, metaBytes: Buffer.from(JSON.stringify({ ...chunk.meta, i: 2 })) })).toThrow(expect.objectContaining({ code: 'BACKUP_TAMPERED' }));
    expect(() => openFrame(randomBytes(32), header, chunk)).toThrow(expect.objectContaining({ code: 'BACKUP_TAMPERED' }));
  });

  it('keys the manifest MAC to the data key and every field, whatever the key order', () => {
    const manifest = { backupId: header.backupId, collections: { facts: 7, audit: 2 }, dataBytes: 10 };
    const mac = manifestMac(key, manifest as never);
    expect(manifestMac(key, { dataBytes: 10, collections: { audit: 2, facts: 7 }, backupId: header.backupId } as never)).toBe(mac);
    expect(manifestMac(key, { ...manifest, collections: { facts: 8, audit: 2 } } as never)).not.toBe(mac);
    expect(manifestMac(randomBytes(32), manifest as never)).not.toBe(mac);
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });
});
