/**
 * The search index outlives its process: a server started again on the same DATA_DIR and Redis reuses
 * its index file and reads only what changed while it was down (here a listing written to Redis with
 * no change-stream entry, as a crash between the listing and its announcement would leave); a file
 * built from another key space (another Redis, or one flushed) is emptied and built afresh, and one
 * SQLite cannot read is replaced.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectCode } from './contract/helpers.ts';
import { expectOk, newUser, uid } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-restart-'));
/** The word in the title of every book these tests add. */
const word = uid('restartword').replace(/[^a-z0-9]/gi, '');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const started = async (h: Harness) => {
  expect(await h.deps.catalogue.whenBuilt(10_000)).toBe(true);
  return h.deps.catalogue.startStats;
};
/** Starts a server on the shared DATA_DIR, expects what its start-up check found and the search total. */
async function restartExpecting(prefix: string, stats: { books: number; indexed: number }, total: number) {
  const again = await startHarness({ DATA_DIR: dataDir, prefix });
  try {
    expect(await started(again)).toMatchObject(stats);
    expect((await search(again, word)).body).toMatchObject({ total });
  } finally {
    await again.close();
  }
}

const search = (h: Harness, keyword: string) =>
  h.client.post('/search/search_books', {
    keyword,
    search_scope: 'title',
    search_in_store: false,
    page: 1,
    page_size: 50,
  });

describe('the index file across restarts', () => {
  let prefix = '';
  let store = '';

  it('a first start indexes what Redis holds; a restart reads nothing when nothing changed', async () => {
    const first = await startHarness({ DATA_DIR: dataDir });
    prefix = first.prefix;
    try {
      await started(first);
      const seller = await newUser(first.client);
      store = uid('rstore');
      await expectOk(
        first.client.post(
          '/seller/create_store',
          { user_id: seller.user_id, store_id: store },
          { token: seller.token },
        ),
      );
      for (const n of [1, 2, 3]) {
        await expectOk(
          first.client.post(
            '/seller/add_book',
            {
              user_id: seller.user_id,
              store_id: store,
              book_info: { id: uid('rbook'), title: `${word} ${n}`, price: 100 },
              stock_level: 1,
            },
            { token: seller.token },
          ),
        );
      }
    } finally {
      await first.close();
    }
    await restartExpecting(prefix, { books: 3, indexed: 0 }, 3);
    expect(readdirSync(join(dataDir, 'search'))).toContain('index-0.sqlite');
  });

  it('a listing written while no process ran is read at the next start, and only it', async () => {
    const writer = await startHarness({ DATA_DIR: mkdtempSync(join(tmpdir(), 'bookstore-other-')), prefix });
    const book = { id: uid('rlate'), title: `${word} late`, price: 100 };
    await writer.redis.hset(writer.deps.keys.books(store), book.id, JSON.stringify(book));
    await writer.close();
    await restartExpecting(prefix, { books: 4, indexed: 1 }, 4);
  });

  it('a file SQLite cannot read is replaced and filled from Redis', async () => {
    writeFileSync(join(dataDir, 'search', 'index-0.sqlite'), 'not a database '.repeat(500));
    await restartExpecting(prefix, { books: 4, indexed: 4 }, 4);
  });

  it('a file built from another key space is emptied, not trusted', async () => {
    const other = await startHarness({ DATA_DIR: dataDir });
    try {
      expect(await started(other)).toMatchObject({ books: 0, indexed: 0 });
      await expectCode(search(other, word), 523);
    } finally {
      await other.close();
    }
  });
});
