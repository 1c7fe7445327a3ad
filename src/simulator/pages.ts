/** Pagination contracts of the Zendesk exports, as pure functions over ordered lists. */

/** First index in `items` (sorted by `key`) whose key is >= `value`. */
export function lowerBound<T>(items: readonly T[], value: number, key: (item: T) => number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (key(items[mid] as T) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

export interface TimeBasedPage<T> {
  /** `items[first..first + items.length)` of the list paged. */
  items: T[];
  first: number;
  /** Unix seconds: the next page starts here (inclusive), so boundary items repeat. */
  endTime: number;
  endOfStream: boolean;
}

/**
 * Zendesk's time-based export page: items from `startTime` (Unix s, inclusive) up to
 * `horizonMs`. A full page is extended with every item sharing its last second, so
 * a page may exceed `perPage`; the next page starts at that second and repeats them.
 * When a whole page is one second, the next starts one second later (else it would
 * never advance).
 */
export function timeBasedPage<T>(
  items: readonly T[],
  at: (item: T) => number,
  startTime: number,
  perPage: number,
  horizonMs: number,
): TimeBasedPage<T> {
  const second = (item: T) => Math.floor(at(item) / 1000);
  const first = lowerBound(items, startTime * 1000, at);
  let index = first;
  const page: T[] = [];
  while (index < items.length && page.length < perPage && at(items[index] as T) <= horizonMs) page.push(items[index++] as T);
  const last = page.at(-1);
  if (last === undefined) return { items: page, first, endTime: startTime, endOfStream: true };
  const lastSecond = second(last);
  if (page.length >= perPage) {
    while (index < items.length && second(items[index] as T) === lastSecond && at(items[index] as T) <= horizonMs) {
      page.push(items[index++] as T);
    }
  }
  const more = index < items.length && at(items[index] as T) <= horizonMs;
  const oneSecond = second(page[0] as T) === lastSecond;
  return { items: page, first, endTime: oneSecond && more ? lastSecond + 1 : lastSecond, endOfStream: !more };
}

/** A position in a (time, id) ordered stream, opaque to clients. */
export interface CursorPosition {
  t: number;
  id: number;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && 't' in parsed && 'id' in parsed) {
      const { t, id } = parsed as Record<string, unknown>;
      if (typeof t === 'number' && typeof id === 'number') return { t, id };
    }
  } catch {
    // an unreadable cursor is reported by the caller
  }
  return undefined;
}

export interface CursorPage<T> {
  items: T[];
  hasMore: boolean;
  /** Position of the last item, or the starting position for an empty page. */
  last: CursorPosition;
}

/**
 * Items strictly after `after` in (t, id) order, up to `size`, among `items[0..end)`
 * that `keep` accepts; `items` must be sorted in (t, id) order.
 */
export function cursorPage<T>(
  items: readonly T[],
  position: (item: T) => CursorPosition,
  after: CursorPosition,
  size: number,
  end: number = items.length,
  keep: (item: T) => boolean = () => true,
): CursorPage<T> {
  let index = lowerBound(items, after.t, (item) => position(item).t);
  while (index < end) {
    const current = position(items[index] as T);
    if (current.t > after.t || (current.t === after.t && current.id > after.id)) break;
    index++;
  }
  const page: T[] = [];
  while (index < end && page.length < size) {
    const item = items[index++] as T;
    if (keep(item)) page.push(item);
  }
  while (index < end && !keep(items[index] as T)) index++;
  const last = page.at(-1);
  return { items: page, hasMore: index < end, last: last === undefined ? after : position(last) };
}
