/**
 * Response bodies whose record lists may be already serialised, so the bulk export
 * path never builds or walks its records as objects, nor copies their bytes.
 */

/** A list's elements as JSON text split over byte chunks: `a,b,c` without the brackets. */
export class JsonList {
  constructor(readonly chunks: readonly Buffer[]) {}
}

/**
 * The body as chunks of UTF-8 bytes: together the same bytes as `JSON.stringify` of
 * `parsedBody(body)`. Lists may only be top-level values.
 */
export function bodyChunks(body: Record<string, unknown>): Buffer[] {
  const chunks: Buffer[] = [];
  let text = '';
  for (const [key, value] of Object.entries(body)) {
    const json = value instanceof JsonList ? undefined : (JSON.stringify(value) as string | undefined);
    // Like JSON.stringify: keys of undefined values (and functions) are left out.
    if (json === undefined && !(value instanceof JsonList)) continue;
    text += `${text === '' && chunks.length === 0 ? '{' : ','}${JSON.stringify(key)}:`;
    if (value instanceof JsonList) {
      chunks.push(Buffer.from(`${text}[`), ...value.chunks);
      text = ']';
    } else {
      text += json;
    }
  }
  chunks.push(Buffer.from(text === '' && chunks.length === 0 ? '{}' : `${text}}`));
  return chunks;
}

/** The body with every list parsed back into records, for faults that edit records. */
export function parsedBody(body: Record<string, unknown>): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    parsed[key] = value instanceof JsonList ? (JSON.parse(`[${Buffer.concat(value.chunks).toString('utf8')}]`) as unknown) : value;
  }
  return parsed;
}
