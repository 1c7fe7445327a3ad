import { describe, expect, it } from 'vitest';
import { cursorPage, decodeCursor, encodeCursor, timeBasedPage } from '../../../src/simulator/pages.js';

interface Item {
  id: number;
  at: number;
}
const items = (...seconds: number[]): Item[] => seconds.map((second, index) => ({ id: index + 1, at: second * 1000 }));
const ids = (page: { items: Item[] }) => page.items.map((item) => item.id);
const at = (item: Item) => item.at;

describe('timeBasedPage', () => {
  const stream = items(100, 101, 102, 102, 102, 103, 104);

  it('starts at start_time inclusive and ends at the last item second', () => {
    const page = timeBasedPage(stream, at, 101, 2, 10_000_000);
    expect(ids(page)).toEqual([2, 3, 4, 5]); // extended over every item sharing second 102
    expect(page.first).toBe(1);
    expect(page.endTime).toBe(102);
    expect(page.endOfStream).toBe(false);
  });

  it('repeats the boundary items on the next page', () => {
    const first = timeBasedPage(stream, at, 100, 3, 10_000_000);
    const second = timeBasedPage(stream, at, first.endTime, 3, 10_000_000);
    expect(ids(first)).toEqual([1, 2, 3, 4, 5]);
    expect(ids(second)).toEqual([3, 4, 5]);
    expect(second.endTime).toBe(103);
    expect(ids(timeBasedPage(stream, at, second.endTime, 3, 10_000_000))).toEqual([6, 7]);
  });

  it('may return more than per_page when many items share one second', () => {
    expect(timeBasedPage(stream, at, 102, 1, 10_000_000).items).toHaveLength(3);
  });

  it('moves one second on when a whole page is one second, so paging always advances', () => {
    const page = timeBasedPage(stream, at, 102, 1, 10_000_000);
    expect(page.endTime).toBe(103);
  });

  it('ends the stream with a short page, and an empty page keeps start_time', () => {
    expect(timeBasedPage(stream, at, 103, 10, 10_000_000)).toEqual({ items: stream.slice(5), first: 5, endTime: 104, endOfStream: true });
    expect(timeBasedPage(stream, at, 200, 10, 10_000_000)).toEqual({ items: [], first: 7, endTime: 200, endOfStream: true });
  });

  it('hides items after the horizon', () => {
    const page = timeBasedPage(stream, at, 100, 100, 102_000);
    expect(ids(page)).toEqual([1, 2, 3, 4, 5]);
    expect(page.endOfStream).toBe(true);
  });
});

describe('cursorPage', () => {
  const stream = items(1, 2, 2, 3, 4);
  const position = (item: Item) => ({ t: item.at, id: item.id });

  it('returns the items strictly after the position, in order', () => {
    const page = cursorPage(stream, position, { t: 2000, id: 2 }, 2);
    expect(ids(page)).toEqual([3, 4]);
    expect(page.hasMore).toBe(true);
    expect(page.last).toEqual({ t: 3000, id: 4 });
  });

  it('walks the whole stream once, with no repeats', () => {
    const seen: number[] = [];
    let after = { t: 0, id: 0 };
    for (;;) {
      const page = cursorPage(stream, position, after, 2);
      seen.push(...ids(page));
      after = page.last;
      if (!page.hasMore) break;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps its position on an empty page', () => {
    const page = cursorPage(stream, position, { t: 4000, id: 5 }, 2);
    expect(page).toEqual({ items: [], hasMore: false, last: { t: 4000, id: 5 } });
  });

  it('respects the end index and the filter', () => {
    const page = cursorPage(stream, position, { t: 0, id: 0 }, 10, 4, (item) => item.id !== 2);
    expect(ids(page)).toEqual([1, 3, 4]);
    expect(page.hasMore).toBe(false);
  });
});

describe('cursor encoding', () => {
  it('round-trips and rejects garbage', () => {
    expect(decodeCursor(encodeCursor({ t: 1_700_000_000_000, id: 42 }))).toEqual({ t: 1_700_000_000_000, id: 42 });
    expect(decodeCursor('not-a-cursor')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"t":"x","id":1}').toString('base64url'))).toBeUndefined();
  });
});
