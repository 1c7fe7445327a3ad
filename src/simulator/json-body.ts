/**
 * Response bodies whose record lists may hold records already serialised, so the
 * bulk export path never builds or walks the records as objects.
 */

/** A record's JSON text, placed verbatim in the body. */
export class JsonFragment {
  constructor(readonly json: string | Buffer) {}
}

/**
 * The body as UTF-8 bytes: the same bytes as `JSON.stringify` of `parsedBody(body)`.
 * Fragments may only be elements of top-level lists.
 */
export function bodyBytes(body: Record<string, unknown>): Buffer {
  const parts: (string | Buffer)[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value)) {
      parts.push(`${parts.length === 0 ? '{' : ','}${JSON.stringify(key)}:[`);
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        if (index > 0) parts.push(',');
        parts.push(item instanceof JsonFragment ? item.json : (JSON.stringify(item) ?? 'null'));
      }
      parts.push(']');
    } else {
      const json = JSON.stringify(value) as string | undefined;
      // Like JSON.stringify: keys of undefined values (and functions) are left out.
      if (json !== undefined) parts.push(`${parts.length === 0 ? '{' : ','}${JSON.stringify(key)}:${json}`);
    }
  }
  parts.push(parts.length === 0 ? '{}' : '}');
  let length = 0;
  for (const part of parts) length += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  const bytes = Buffer.allocUnsafe(length);
  let offset = 0;
  for (const part of parts) {
    if (typeof part === 'string') {
      offset += bytes.write(part, offset);
    } else {
      // set() rather than copy(): a plain memcpy without copy()'s argument handling, which showed at 1,000 parts a page.
      bytes.set(part, offset);
      offset += part.length;
    }
  }
  return bytes;
}

/** The body with every fragment parsed back into a record, for faults that edit records. */
export function parsedBody(body: Record<string, unknown>): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    parsed[key] = Array.isArray(value)
      ? value.map((item: unknown) => (item instanceof JsonFragment ? (JSON.parse(item.json.toString()) as unknown) : item))
      : value;
  }
  return parsed;
}
