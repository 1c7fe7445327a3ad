import { describe, expect, it } from 'vitest';
import { bodyChunks, JsonList, parsedBody } from '../../../src/simulator/json-body.js';

const records = [{ id: 1, name: 'Grüße "a"' }, { id: 2, tags: [], nested: { value: null } }];
const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
const listOf = (...chunks: string[]) => new JsonList(chunks.map((chunk) => Buffer.from(chunk)));

describe('bodyChunks', () => {
  it('places a list verbatim among the other fields, however its bytes are split', () => {
    const whole = records.map((record) => JSON.stringify(record)).join(',');
    for (const list of [listOf(whole), listOf(whole.slice(0, 7), whole.slice(7)), listOf(`${JSON.stringify(records[0])},`, JSON.stringify(records[1]))]) {
      const body = { items: list, next_page: 'http://127.0.0.1/x?a=1&b=2', count: 2, end_of_stream: false };
      expect(text(bodyChunks(body))).toBe(JSON.stringify({ ...body, items: records }));
    }
  });

  it('serialises lists anywhere in the body, empty ones too', () => {
    expect(text(bodyChunks({ a: listOf(), b: listOf('1', ',2') }))).toBe('{"a":[],"b":[1,2]}');
    expect(text(bodyChunks({ a: 1, b: listOf('"x"') }))).toBe('{"a":1,"b":["x"]}');
  });

  it('serialises a body without lists exactly as JSON.stringify', () => {
    const bodies: Record<string, unknown>[] = [
      {},
      { list: [] },
      { users: records, meta: { has_more: false, after_cursor: null }, links: { prev: null, next: null } },
      { a: undefined, b: () => 1, c: [undefined, () => 1, 'x'], d: 'east 東京', 1: 'integer keys first' },
      { a: undefined },
    ];
    for (const body of bodies) expect(text(bodyChunks(body))).toBe(JSON.stringify(body));
  });
});

describe('parsedBody', () => {
  it('parses lists back into records and leaves other values as they are', () => {
    const body = { items: listOf(JSON.stringify(records[0]), ',', JSON.stringify(records[1])), empty: listOf(), count: 2 };
    expect(parsedBody(body)).toEqual({ items: records, empty: [], count: 2 });
  });
});
