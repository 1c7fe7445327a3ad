import { describe, expect, it } from 'vitest';
import { fetchingAhead } from '../../../src/zendesk/pagers.js';

/** A pager whose requests are logged and finish when the test says so. */
function pager(count: number, failAt?: number) {
  const log: string[] = [];
  let closed = false;
  const responses: (() => void)[] = [];
  async function* pages(): AsyncGenerator<number> {
    try {
      for (let page = 1; page <= count; page++) {
        log.push(`request ${page}`);
        await new Promise<void>((resolve) => responses.push(resolve));
        if (page === failAt) throw new Error(`request ${page} failed`);
        yield page;
      }
    } finally {
      closed = true;
    }
  }
  const answerAll = async () => {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      responses.shift()?.();
      if (closed) return;
    }
  };
  return { pages: pages(), log, closed: () => closed, answerAll, answerNext: () => responses.shift()?.() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('fetchingAhead', () => {
  it('yields every page in order and asks for the next one while the current is stored', async () => {
    const source = pager(3);
    void source.answerAll();
    const seen: string[] = [];
    for await (const page of fetchingAhead(source.pages)) {
      await tick();
      // The next request went out before this page's storing ended.
      seen.push(`store ${page} after ${source.log.at(-1)}`);
    }
    expect(seen).toEqual(['store 1 after request 2', 'store 2 after request 3', 'store 3 after request 3']);
    expect(source.closed()).toBe(true);
  });

  it('surfaces a failed request only when its page is due, after the current page is stored', async () => {
    const source = pager(3, 2);
    void source.answerAll();
    const stored: number[] = [];
    const consumed = (async () => {
      for await (const page of fetchingAhead(source.pages)) {
        await tick();
        stored.push(page);
      }
    })();
    await expect(consumed).rejects.toThrow('request 2 failed');
    expect(stored).toEqual([1]);
  });

  it('waits for the request in flight and closes the pager when the caller stops early', async () => {
    const source = pager(5);
    const ahead = fetchingAhead(source.pages);
    const first = ahead.next();
    source.answerNext();
    expect((await first).value).toBe(1);
    await tick();
    expect(source.log).toEqual(['request 1', 'request 2']);
    const stopped = ahead.return(undefined);
    await tick();
    expect(source.closed()).toBe(false);
    source.answerNext();
    await stopped;
    expect(source.closed()).toBe(true);
    expect(source.log).toEqual(['request 1', 'request 2']);
  });
});
