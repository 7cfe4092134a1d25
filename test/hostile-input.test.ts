/**
 * Hostile input that once got through or broke a request: a large picture (the base64 check's
 * regular expression overflowed V8's stack), ids with lone surrogates (they collapsed into one Redis
 * key), tokens spelled another way (lenient base64url decoding accepted them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../src/app.ts';
import { isBase64 } from '../src/http/base64.ts';
import { expectOk, newStore, newUser, uid } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { storeDigest } from './support/store-digest.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('large bodies', () => {
  it('accepts a book with a 3.6 MB picture (4.75 MB of base64)', async () => {
    const seller = await newUser(h.client);
    const store_id = await newStore(h.client, seller, []);
    const picture = Buffer.alloc(3_600_000, 0xa5).toString('base64');
    expect(picture.length).toBeGreaterThan(4_700_000);
    const r = await h.client.post(
      '/seller/add_book',
      {
        user_id: seller.user_id,
        store_id,
        book_info: { id: 'big', title: 'Big picture', price: 100, pictures: [picture] },
        stock_level: 1,
      },
      { token: seller.token },
    );
    expect(r.body).toMatchObject({ code: 200 });
    const shown = await h.app.request(`/books/big/pictures/0`);
    expect(shown.status).toBe(200);
    expect((await shown.arrayBuffer()).byteLength).toBe(3_600_000);
  });

  it('answers a body over 8 MiB with a JSON 413', async () => {
    const seller = await newUser(h.client);
    const before = await storeDigest(h.redis, h.prefix);
    const picture = 'A'.repeat(MAX_BODY_BYTES);
    const body = JSON.stringify({
      user_id: seller.user_id,
      store_id: 's',
      book_info: { id: 'b', title: 't', price: 1, pictures: [picture] },
      stock_level: 1,
    });
    const framings: Record<string, string>[] = [{ 'content-length': String(body.length) }, {}];
    for (const headers of framings) {
      const r = await h.client.post('/seller/add_book', body, { token: seller.token, ...headers });
      expect(r.status).toBe(413);
      expect(r.body.code).toBe(413);
    }
    expect(await storeDigest(h.redis, h.prefix)).toBe(before);
  });

  it('checks base64 in linear time and as strictly as before', () => {
    expect(isBase64('')).toBe(true);
    expect(isBase64('QUJD')).toBe(true);
    expect(isBase64('QUI=')).toBe(true);
    expect(isBase64('QQ==')).toBe(true);
    for (const bad of ['Q', 'QQ=', 'Q===', '====', 'QU=I', 'QUJD\n', 'QU-_', 'QUJDQQ', ' QUJ']) {
      expect(isBase64(bad), bad).toBe(false);
    }
    const started = performance.now();
    expect(isBase64('A'.repeat(8_000_000))).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('ill-formed Unicode', () => {
  const lone = ['x\ud800', 'x\udfff', '\udc00x', 'a\ud800\ud800'];

  it('refuses ids with lone surrogates with 530 naming the field, and changes nothing', async () => {
    const before = await storeDigest(h.redis, h.prefix);
    for (const user_id of lone) {
      const r = await h.client.post('/auth/register', { user_id, password: 'pw' });
      expect(r.status, JSON.stringify(user_id)).toBe(530);
      expect(r.body).toMatchObject({ code: 530 });
      expect(r.body.message).toContain('user_id');
    }
    expect(await storeDigest(h.redis, h.prefix)).toBe(before);
    // The well-formed U+FFFD is an id of its own, and still free after the refusals above.
    await expectOk(h.client.post('/auth/register', { user_id: 'x\ufffd', password: 'pw' }));
  });

  it('refuses lone surrogates in passwords, terminals, book fields and search words', async () => {
    const user = await newUser(h.client, 100);
    const store_id = await newStore(h.client, user, []);
    const book = (info: Record<string, unknown>) => ({
      user_id: user.user_id,
      store_id,
      book_info: { id: uid('book'), title: 'ok', price: 1, ...info },
      stock_level: 1,
    });
    const cases: [string, unknown, string, Record<string, string>?][] = [
      ['/auth/register', { user_id: uid('u'), password: 'p\ud800' }, 'password'],
      ['/auth/login', { user_id: user.user_id, password: user.password, terminal: '\udfff' }, 'terminal'],
      ['/buyer/query_balance', { user_id: user.user_id, password: `${user.password}\ud800` }, 'password'],
      ['/seller/add_book', book({ title: 't\ud800' }), 'book_info.title', { token: user.token }],
      ['/seller/add_book', book({ author: '\udfffa' }), 'book_info.author', { token: user.token }],
      ['/seller/add_book', book({ tags: ['ok', 'x\ud800'] }), 'book_info.tags.1', { token: user.token }],
      ['/seller/add_book', book({ pub_year: '19\ud800' }), 'book_info.pub_year', { token: user.token }],
      ['/search/search_books', { keyword: 'a\ud800' }, 'keyword'],
      ['/search/search_books', { keyword: 'a', search_scope: 'title\ud800' }, 'search_scope'],
    ];
    const before = await storeDigest(h.redis, h.prefix);
    for (const [path, body, field, headers] of cases) {
      const r = await h.client.post(path, body, headers);
      expect(r.status, `${path} ${field}`).toBe(530);
      expect(r.body.message).toContain(field);
    }
    expect(await storeDigest(h.redis, h.prefix)).toBe(before);
  });

  it('reads JSON escapes of lone surrogates as lone surrogates', async () => {
    const r = await h.client.post('/auth/register', '{"user_id":"x\\udfff","password":"pw"}');
    expect(r.status).toBe(530);
  });
});

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('token spelling', () => {
  it('accepts a token only in its canonical spelling', async () => {
    const user = await newUser(h.client);
    const [body = '', signature = ''] = user.token.split('.');
    let variants = [
      `${body}.${signature}=`,
      `${body}.${signature}==`,
      `${body}=.${signature}`,
      `${body}.${signature.replaceAll('-', '+').replaceAll('_', '/')}`,
      `${body.replaceAll('-', '+').replaceAll('_', '/')}.${signature}`,
      // The last character of a 32-byte signature carries 2 bits that decoding drops.
      `${body}.${signature.slice(0, -1)}${URL_ALPHABET[URL_ALPHABET.indexOf(signature.at(-1) ?? '') ^ 1]}`,
    ];
    expect(Buffer.from(variants.at(-1)?.split('.')[1] ?? '', 'base64url')).toEqual(
      Buffer.from(signature, 'base64url'),
    );
    // Replacing `-_` changes nothing when the token has none.
    variants = variants.filter((variant) => variant !== user.token);
    for (const token of variants) {
      const r = await h.client.post('/auth/logout', { user_id: user.user_id }, { token });
      expect(r.status, token).toBe(401);
    }
    const store = { user_id: user.user_id, store_id: uid('store') };
    await expectOk(h.client.post('/seller/create_store', store, { token: user.token }));
    await expectOk(h.client.post('/auth/logout', { user_id: user.user_id }, { token: user.token }));
  });
});

describe('refusals found by the fuzz suite', () => {
  it('answers logout of an unknown user with 401, with an Idempotency-Key too', async () => {
    const keys: Record<string, string>[] = [{}, { 'idempotency-key': 'k' }];
    for (const headers of keys) {
      const r = await h.client.post(
        '/auth/logout',
        { user_id: uid('nobody') },
        { token: 'garbage', ...headers },
      );
      expect(r.status).toBe(401);
    }
  });

  it('writes nothing when refusing to confirm receipt of a missing or unpaid order', async () => {
    const seller = await newUser(h.client);
    const buyer = await newUser(h.client, 100);
    const store_id = await newStore(h.client, seller, [{ id: 'b', price: 10, stock: 5 }]);
    const order = { user_id: buyer.user_id, store_id, books: [{ id: 'b', count: 1 }] };
    const made = await expectOk(h.client.post('/buyer/new_order', order, { token: buyer.token }));
    const confirm = (order_id: string) =>
      h.client.post('/buyer/confirm_receipt_and_pay_toseller', {
        user_id: buyer.user_id,
        password: buyer.password,
        order_id,
      });
    const untouched = await storeDigest(h.redis, h.prefix);
    expect((await confirm('no-such-order')).status).toBe(518);
    expect(await storeDigest(h.redis, h.prefix)).toBe(untouched);
    // Unpaid: the payout job is added, then removed before the answer; BullMQ's event log, job
    // counter and wake-up marker keep a trace of that, nothing else does.
    const skip = ['events', 'id', 'marker'].map((key) => `{q:orders}:orders:${key}`);
    const before = await storeDigest(h.redis, h.prefix, skip);
    expect((await confirm(String(made.body.order_id))).status).toBe(520);
    expect(await storeDigest(h.redis, h.prefix, skip)).toBe(before);
  });
});
