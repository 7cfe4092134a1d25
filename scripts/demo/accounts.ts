/**
 * Who and what the demo creates: its sellers and their stores, its buyer and the buyer's funds, and
 * the book the walk-through orders. The seeding, the printed summary and the walk-through all read
 * them from here.
 */

export interface DemoUser {
  user_id: string;
  password: string;
}

/** A user's id and password alone: the body of register, query_balance and the like. */
export const credentials = (user: DemoUser): DemoUser => ({ user_id: user.user_id, password: user.password });

export interface DemoSeller extends DemoUser {
  stores: string[];
}

/** Two sellers with three stores each. */
export const SELLERS: readonly DemoSeller[] = [
  {
    user_id: 'demo-seller-1',
    password: 'seller-password',
    stores: ['demo-store-1', 'demo-store-2', 'demo-store-3'],
  },
  {
    user_id: 'demo-seller-2',
    password: 'seller-password',
    stores: ['demo-store-4', 'demo-store-5', 'demo-store-6'],
  },
];

/** Every store, in the order books are dealt to them (book i goes to store i mod 6). */
export const STORES: readonly string[] = SELLERS.flatMap((s) => s.stores);

export const BUYER: DemoUser = { user_id: 'demo-buyer', password: 'buyer-password' };

/** The buyer's balance after seeding, in cents: topped up to this when below it. */
export const BUYER_FUNDS = 1_000_000;

/** The book the walk-through orders: book 0, listed in the first store of the first seller. */
export const FEATURED = {
  seller: SELLERS[0] as DemoSeller,
  store_id: STORES[0] as string,
  /** its stock is topped up to this at every seeding, so the walk-through can be run many times */
  stock: 1000,
};

/** The searches the walk-through shows: each word is placed in chosen books only (see catalogue.ts). */
export const SEARCH_WORDS = { chinese: '灯塔', english: 'lighthouse' } as const;
