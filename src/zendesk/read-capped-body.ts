/**
 * Reads a response body as UTF-8 text, at most `maxBytes` of it: a Content-Length
 * over the cap is refused before any of the body is read, and a body without one
 * (or lying about it) is counted as it streams and dropped as soon as it passes
 * the cap, so an oversized answer never sits in memory (README, Sync and metrics).
 */
export type CappedBody = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly bytesRead: number };

export async function readCappedBody(response: Response, maxBytes: number): Promise<CappedBody> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, bytesRead: 0 };
  }
  if (!response.body) return { ok: true, text: '' };
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, bytesRead: total };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks, total).toString('utf8') };
}
