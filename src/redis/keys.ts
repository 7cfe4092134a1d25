/**
 * The one place that builds Redis keys. Every key carries the hash tag of its aggregate
 * (`{u:<user>}`, `{s:<store>}`, `{q:orders}`) so each Lua script touches a single slot. Client ids are
 * percent-encoded (`%`, `{`, `}`, `:`) so no crafted id can move a key to another slot or make two
 * different ids build the same key.
 */
const encode = (id: string) => id.replace(/[%{}:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The id an encoded key part stands for. */
export const decodeId = (part: string) =>
  part.replace(/%([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/** Escapes the characters SCAN's MATCH treats as glob syntax. */
const glob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/** Escapes the characters a regular expression treats as syntax. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The parser of the keys `build` makes: their decoded ids, in `build`'s argument order, or undefined
 * for a key of another shape. It is derived from the builder (placeholder ids where the encoded ids
 * go, and an encoded id never holds `{`, `}` or `:`), so the two cannot disagree.
 */
function parserOf<A extends string[]>(build: (...ids: A) => string, arity: A['length']) {
  const marks = Array.from({ length: arity }, (_, i) => `\u0000${i}\u0000`);
  let source = literal(build(...(marks as A)));
  marks.forEach((mark, i) => {
    source = source.replace(mark, `(?<id${i}>[^{}:]*)`);
  });
  const re = new RegExp(`^${source}$`);
  return (key: string): string[] | undefined => {
    const groups = re.exec(key)?.groups;
    return groups && marks.map((_, i) => decodeId(groups[`id${i}`] ?? ''));
  };
}

export function keySpace(prefix: string) {
  const u = (user: string) => `${prefix}:{u:${encode(user)}}`;
  const s = (store: string) => `${prefix}:{s:${encode(store)}}`;
  const orderKey = (buyer: string, orderId: string) => `${u(buyer)}:order:${encode(orderId)}`;
  const storeKey = (store: string) => `${s(store)}:store`;
  const reservationKey = (store: string, orderId: string) => `${s(store)}:resv:${encode(orderId)}`;
  const booksKey = (store: string) => `${s(store)}:books`;
  const orderParts = parserOf(orderKey, 2);
  const storeParts = parserOf(storeKey, 1);
  const reservationParts = parserOf(reservationKey, 2);
  const booksParts = parserOf(booksKey, 1);
  return {
    prefix,
    /** hash: state, pw, epoch, balance, deposited, created_at */
    user: (user: string) => `${u(user)}:user`,
    /** sorted set: revoked token ids scored by their expiry */
    revoked: (user: string) => `${u(user)}:revoked`,
    /** set: store ids this user tried to open (filtered by the store's owner when read) */
    userStores: (user: string) => `${u(user)}:stores`,
    /** hash per order, in the buyer's slot */
    order: orderKey,
    /** sorted set: the buyer's order ids by creation time */
    buyerOrders: (buyer: string) => `${u(buyer)}:orders`,
    /** set: order ids already paid out to this user as a seller */
    payouts: (seller: string) => `${u(seller)}:payouts`,
    /** hash: fp, state (running | done), status, body: one request's Idempotency-Key record */
    idempotency: (user: string, key: string) => `${u(user)}:idem:${encode(key)}`,
    /** sorted set: the user's live Idempotency-Keys, scored by when their records expire (ms) */
    idempotencyKeys: (user: string) => `${u(user)}:idem-keys`,
    /** the same record kept in a store's slot by the store's effect scripts */
    storeIdempotency: (store: string, user: string, key: string) =>
      `${s(store)}:idem:${encode(user)}:${encode(key)}`,
    /** hash: owner, created_at */
    store: storeKey,
    /** hash: book id -> stock level */
    stock: (store: string) => `${s(store)}:stock`,
    /** hash: book id -> initial stock + all restocks (for the stock invariant) */
    supplied: (store: string) => `${s(store)}:supplied`,
    /** hash: book id -> price in cents */
    prices: (store: string) => `${s(store)}:prices`,
    /** hash: book id -> book fields as JSON */
    books: booksKey,
    /** hash per order: buyer, state (held | released), and its lines (domain/order-lines.ts) */
    reservation: reservationKey,
    /** sorted set: the store's order ids by creation time */
    storeOrders: (store: string) => `${s(store)}:orders`,
    /** sorted set: the store's order ids by payment deadline, until paid or released (the expiry sweep's work list) */
    due: (store: string) => `${s(store)}:due`,
    /** set: the stores of one expiry sweep shard (domain/expiry.ts) */
    sweepStores: (shard: number) => `${prefix}:{sweep:${shard}}:stores`,
    /** hash: book id -> book JSON (BookRecord) of the imported catalogue */
    catalogueBooks: () => `${prefix}:{cat}:books`,
    /** stream of catalogue changes (`store`, `book`; store '' for the imported catalogue) */
    catalogueChanges: () => `${prefix}:{cat}:changes`,
    /** random id set once per key space: a search index file built from another Redis differs */
    catalogueEpoch: () => `${prefix}:{cat}:epoch`,
    /** set: the stores listing this book id (so a book's pictures are found without a scan) */
    bookStores: (bookId: string) => `${prefix}:{b:${encode(bookId)}}:stores`,
    /** counter: wrong passwords for this user from one client address in the current window */
    guessesFrom: (user: string, address: string) => `${u(user)}:guesses:${encode(address)}`,
    /** counter: wrong passwords for this user from every address in the current window */
    guesses: (user: string) => `${u(user)}:guesses`,
    /** counter: wrong passwords from one client address for every user, in the address's own slot */
    addressGuesses: (address: string) => `${prefix}:{a:${encode(address)}}:guesses`,
    /** string: the token signing secret shared by every process */
    tokenSecret: () => `${prefix}:{cfg}:token-secret`,
    /** SCAN patterns over the whole key space (for the invariant checker). */
    patterns: {
      users: `${prefix}:{u:*}:user`,
      orders: `${prefix}:{u:*}:order:*`,
      stores: `${prefix}:{s:*}:store`,
      storeBooks: `${prefix}:{s:*}:books`,
      reservations: (store: string) => `${glob(s(store))}:resv:*`,
    },
    /** The buyer and order id of an `order` key; undefined for a key of another shape. */
    parseOrderKey(key: string): { buyer: string; orderId: string } | undefined {
      const [buyer, orderId] = orderParts(key) ?? [];
      return buyer === undefined || orderId === undefined ? undefined : { buyer, orderId };
    },
    /** The store id of a `store` key; undefined for a key of another shape. */
    parseStoreKey: (key: string): string | undefined => storeParts(key)?.[0],
    /** The store id of a `books` key; undefined for a key of another shape. */
    parseBooksKey: (key: string): string | undefined => booksParts(key)?.[0],
    /** The store and order id of a `reservation` key; undefined for a key of another shape. */
    parseReservationKey(key: string): { store: string; orderId: string } | undefined {
      const [store, orderId] = reservationParts(key) ?? [];
      return store === undefined || orderId === undefined ? undefined : { store, orderId };
    },
    /** BullMQ prefix, with its own hash tag */
    queuePrefix: () => `${prefix}:{q:orders}`,
  };
}

export type Keys = ReturnType<typeof keySpace>;
