/**
 * Search across real server processes on one Redis under one key prefix: a book added through
 * process A is found through process B within a second (B follows the `{cat}:changes` stream), and a
 * process started after the adds finds them too (its index is rebuilt from Redis at start). Set
 * SEARCH_VERBOSE=1 to print the measured delays.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from './contract/helpers.ts';
import { type Client, expectOk, httpClient, newUser, uid } from './support/client.ts';
import { redisEnv, uniquePrefix } from './support/harness.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

const POLL_MS = 50;
const LIMIT_MS = 1000;
const BOOKS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const verbose = (line: string) => {
  if (process.env.SEARCH_VERBOSE) console.log(line);
};

describe('search across server processes', () => {
  const prefix = uniquePrefix();
  const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-search-'));
  const env = { ...redisEnv(), KEY_PREFIX: prefix, DATA_DIR: dataDir };
  const servers: ServerProcess[] = [];
  let a: Client;
  let b: Client;
  let store: string;
  let seller: Awaited<ReturnType<typeof newUser>>;
  /** The books added through A: id and the word only its title has. */
  const added: { id: string; word: string }[] = [];

  const start = async () => {
    const server = await startServer('node', env);
    servers.push(server);
    return httpClient(server.baseUrl);
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([start(), start()]);
    seller = await newUser(a);
    store = uid('pstore');
    await expectOk(
      a.post('/seller/create_store', { user_id: seller.user_id, store_id: store }, { token: seller.token }),
    );
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Site-wide search for `word` through `client`: the ids found (none on 523). */
  async function found(client: Client, word: string, body: Record<string, unknown> = {}): Promise<string[]> {
    const reply = await client.post('/search/search_books', { keyword: word, page_size: 100, ...body });
    if (reply.status === 523 || reply.status === 525) return [];
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return (reply.body.books as { id: string }[]).map((book) => book.id);
  }

  it(`a book added through A is found through B within ${LIMIT_MS} ms`, async () => {
    const delays: number[] = [];
    for (let i = 0; i < BOOKS; i++) {
      const word = `proc${randomBytes(5).toString('hex')}`;
      const id = uid('pbook');
      // not in B before the add
      expect(await found(b, word)).toEqual([]);
      await expectOk(
        a.post(
          '/seller/add_book',
          {
            user_id: seller.user_id,
            store_id: store,
            book_info: { id, title: `跨进程 ${word}`, author: '刘慈欣', price: 100, tags: ['科幻'] },
            stock_level: 1,
          },
          { token: seller.token },
        ),
      );
      const addedAt = performance.now();
      added.push({ id, word });
      // A itself finds it at once
      expect(await found(a, word)).toEqual([id]);
      let delay = Number.POSITIVE_INFINITY;
      while (performance.now() - addedAt < LIMIT_MS + 2000) {
        if ((await found(b, word)).includes(id)) {
          delay = performance.now() - addedAt;
          break;
        }
        await sleep(POLL_MS);
      }
      delays.push(delay);
      expect(delay, `book ${i} found through B after ${delay} ms`).toBeLessThan(LIMIT_MS);
      // and in the store, through B, with the store's id
      const local = await expectCode(
        b.post('/search/search_books', {
          keyword: word,
          search_in_store: true,
          store_id: store,
          search_scope: 'title',
        }),
        200,
      );
      expect((local.body.books as { id: string; store_id: string }[]).map((x) => [x.id, x.store_id])).toEqual(
        [[id, store]],
      );
    }
    verbose(
      `search across processes: added through A, found through B after ${delays.map((d) => d.toFixed(0)).join(', ')} ms (poll every ${POLL_MS} ms)`,
    );
  });

  it('a process started after the adds finds every book (index rebuilt at start)', async () => {
    const t0 = performance.now();
    const c = await start();
    verbose(
      `search across processes: third process answered /healthz ${(performance.now() - t0).toFixed(0)} ms after spawn`,
    );
    for (const { id, word } of added) {
      expect(await found(c, word)).toEqual([id]);
      expect(await found(c, word, { search_in_store: true, store_id: store })).toEqual([id]);
    }
    const expected = added.map((x) => x.id).sort();
    // a traditional query finds the simplified author of every book
    expect((await found(c, '劉慈欣')).sort()).toEqual(expected);
    // the same answer through every process
    const body = { keyword: '科幻', search_scope: 'tag', page_size: 100 };
    const answers = await Promise.all([a, b, c].map((client) => client.post('/search/search_books', body)));
    const ids = answers.map((answer) =>
      (answer.body.books as { id: string }[] | undefined)?.map((x) => x.id).sort(),
    );
    expect(ids).toEqual([expected, expected, expected]);
  });

  it('a book added through the third process is found through A and B', async () => {
    const c = httpClient((servers[2] as ServerProcess).baseUrl);
    const word = `late${randomBytes(5).toString('hex')}`;
    const id = uid('late');
    await expectOk(
      c.post(
        '/seller/add_book',
        {
          user_id: seller.user_id,
          store_id: store,
          book_info: { id, title: word, price: 1 },
          stock_level: 1,
        },
        { token: seller.token },
      ),
    );
    const t0 = performance.now();
    for (const client of [a, b]) {
      while (!(await found(client, word)).includes(id)) {
        expect(performance.now() - t0).toBeLessThan(LIMIT_MS);
        await sleep(POLL_MS);
      }
    }
    verbose(
      `search across processes: added through C, found through A and B after ${(performance.now() - t0).toFixed(0)} ms`,
    );
  });
});
