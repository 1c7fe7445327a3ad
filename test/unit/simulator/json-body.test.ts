import { describe, expect, it } from 'vitest';
import { bodyBytes, JsonFragment, parsedBody } from '../../../src/simulator/json-body.js';

const records = [{ id: 1, name: 'Grüße "a"' }, { id: 2, tags: [], nested: { value: null } }];

describe('bodyBytes', () => {
  it('places fragments verbatim, as strings or bytes, among the other fields', () => {
    const body = {
      items: [new JsonFragment(JSON.stringify(records[0])), new JsonFragment(Buffer.from(JSON.stringify(records[1])))],
      next_page: 'http://127.0.0.1/x?a=1&b=2',
      count: 2,
      end_of_stream: false,
    };
    const expected = JSON.stringify({ ...body, items: records });
    expect(bodyBytes(body).toString('utf8')).toBe(expected);
    expect(bodyBytes(body).equals(Buffer.from(expected))).toBe(true);
  });

  it('serialises a body without fragments exactly as JSON.stringify', () => {
    const bodies: Record<string, unknown>[] = [
      {},
      { list: [] },
      { users: records, meta: { has_more: false, after_cursor: null }, links: { prev: null, next: null } },
      { a: undefined, b: () => 1, c: [undefined, () => 1, 'x'], d: 'east 東京', 1: 'integer keys first' },
    ];
    for (const body of bodies) expect(bodyBytes(body).toString('utf8')).toBe(JSON.stringify(body));
  });
});

describe('parsedBody', () => {
  it('parses fragments back into records and leaves other values as they are', () => {
    const body = { items: [new JsonFragment(JSON.stringify(records[0])), records[1]], count: 2 };
    expect(parsedBody(body)).toEqual({ items: records, count: 2 });
  });
});
