/**
 * The world and the concurrent load of the crash tests: three stores of four books, sixteen funded
 * buyers, and lanes of random operations over real HTTP that tolerate dying processes, counting and
 * tracing every outcome for the report and a failure's diagnosis.
 */
import type { Client } from './client.ts';
import { newStore, newUser } from './client.ts';
import { sleep } from './crash-env.ts';

const BOOKS = ['a', 'b', 'c', 'd'];

type User = Awaited<ReturnType<typeof newUser>>;
interface Store {
  seller: User;
  store_id: string;
}
export interface Order {
  buyer: User;
  store: Store;
  order_id: string;
}
export type World = Awaited<ReturnType<typeof setupWorld>>;
export type Load = CrashLoad;

export async function setupWorld(c: Client) {
  const sellers = await Promise.all(Array.from({ length: 3 }, () => newUser(c)));
  const stores: Store[] = await Promise.all(
    sellers.map(async (seller) => ({
      seller,
      store_id: await newStore(
        c,
        seller,
        BOOKS.map((id, i) => ({ id, price: 100 * (i + 1), stock: 500 })),
      ),
    })),
  );
  const buyers = await Promise.all(Array.from({ length: 16 }, () => newUser(c, 100_000)));
  return { stores, buyers, funded: buyers.length * 100_000 };
}

/** A request's body: the order it concerns, if any, is traced. */
type Body = { order_id?: string; [field: string]: unknown };

/**
 * The concurrent load: `lanes` loops of new_order, pay_to_platform, ship,
 * confirm_receipt_and_pay_toseller (repeats included, as a client retrying after a dropped
 * connection would), cancel_order and add_funds (some withdrawals), until stopped. Connection errors
 * and any status are tolerated; every outcome is counted as `<op> <status>` or `<op> error`.
 */
export function startLoad(c: Client, world: World, random: () => number, lanes: number) {
  return new CrashLoad(c, world, random, lanes);
}

class CrashLoad {
  readonly counts = new Map<string, number>();
  /** Per order id ('' for events such as kills): what the load did to it and what it got back. */
  readonly trace = new Map<string, string[]>();
  /** Net top-ups the clients were told succeeded, and how many add_funds had an unknown outcome. */
  readonly deposits: { acknowledged: number; unknown: number };
  private readonly t0 = Date.now();
  private readonly recent: Order[] = [];
  private readonly paid: Order[] = [];
  private stopped = false;
  private readonly done: Promise<unknown>;

  constructor(
    private readonly c: Client,
    private readonly world: World,
    private readonly random: () => number,
    lanes: number,
  ) {
    this.deposits = { acknowledged: world.funded, unknown: 0 };
    this.done = Promise.all(
      Array.from({ length: lanes }, async () => {
        while (!this.stopped) await this.operation();
      }),
    );
  }

  /** Notes an event (a kill, a restart) on the load's clock. */
  mark(event: string) {
    this.log('', event);
  }

  events() {
    return (this.trace.get('') ?? []).join('; ');
  }

  ok(op: string) {
    return this.counts.get(`${op} 200`) ?? 0;
  }

  /**
   * `n` new orders at once, left unpaid (no lane ever touches them): their expiries all come due
   * together, and only a worker's expiry job can end them. Resolves with the orders placed.
   */
  async burst(n: number): Promise<Order[]> {
    const placed = await Promise.all(Array.from({ length: n }, () => this.newOrder('burst_order')));
    return placed.filter((o): o is Order => o !== undefined);
  }

  async stop() {
    this.stopped = true;
    await this.done;
  }

  summary() {
    return JSON.stringify(Object.fromEntries([...this.counts].sort()));
  }

  private log(orderId: string, line: string) {
    this.trace.set(orderId, [...(this.trace.get(orderId) ?? []), `${Date.now() - this.t0}ms ${line}`]);
  }

  private pick<T>(list: T[]): T | undefined {
    return list[Math.floor(this.random() * list.length)];
  }

  private remember(list: Order[], order: Order) {
    list.push(order);
    if (list.length > 60) list.shift();
  }

  private async operation() {
    const roll = this.random();
    if (roll < 0.3) {
      const order = await this.newOrder('new_order');
      if (order) this.remember(this.recent, order);
      return;
    }
    const fresh = this.pick(this.recent);
    const sold = this.pick(this.paid);
    if (roll < 0.52 && fresh) {
      const reply = await this.call('pay', '/buyer/pay_to_platform', asBuyer(fresh));
      if (reply?.status === 200) this.remember(this.paid, fresh);
    } else if (roll < 0.6 && fresh) {
      await this.call('cancel', '/buyer/cancel_order', asBuyer(fresh));
    } else if (roll < 0.72 && sold) {
      const { seller, store_id } = sold.store;
      const body = { user_id: seller.user_id, store_id, order_id: sold.order_id };
      await this.call('ship', '/seller/ship', body, { token: seller.token });
    } else if (roll < 0.88 && sold) {
      await this.call('confirm', '/buyer/confirm_receipt_and_pay_toseller', asBuyer(sold));
    } else await this.addFunds();
  }

  private async newOrder(op: string): Promise<Order | undefined> {
    const buyer = this.pick(this.world.buyers) as User;
    const store = this.pick(this.world.stores) as Store;
    const books = Array.from({ length: 1 + Math.floor(this.random() * 2) }, () => ({
      id: this.pick(BOOKS) as string,
      count: 1 + Math.floor(this.random() * 2),
    }));
    const body = { user_id: buyer.user_id, store_id: store.store_id, books };
    const reply = await this.call(op, '/buyer/new_order', body, { token: buyer.token });
    if (reply?.status !== 200) return undefined;
    const order = { buyer, store, order_id: String(reply.body.order_id) };
    this.log(order.order_id, `${op} 200`);
    return order;
  }

  private async addFunds() {
    const buyer = this.pick(this.world.buyers) as User;
    const random = this.random;
    const add_value = random() < 0.7 ? 1 + Math.floor(random() * 2000) : -(1 + Math.floor(random() * 3000));
    const body = { user_id: buyer.user_id, password: buyer.password, add_value };
    const reply = await this.call('add_funds', '/buyer/add_funds', body);
    if (reply?.status === 200) this.deposits.acknowledged += add_value;
    else if (!reply || reply.status === 503) this.deposits.unknown++;
  }

  /** One request: its outcome counted and traced; a connection error tolerated (after a pause). */
  private async call(op: string, path: string, body: Body, headers?: Record<string, string>) {
    const sent = Date.now() - this.t0;
    const note = (outcome: string | number) => {
      this.counts.set(`${op} ${outcome}`, (this.counts.get(`${op} ${outcome}`) ?? 0) + 1);
      if (body.order_id) this.log(body.order_id, `${op} ${outcome} (sent at ${sent}ms)`);
    };
    try {
      const reply = await this.c.post(path, body, headers);
      note(reply.status);
      // Answers no client should see from a healthy service are kept with their message.
      if (reply.status === 500 || reply.status === 530)
        this.log('', `${op} ${reply.status} "${reply.body.message}" (sent at ${sent}ms)`);
      return reply;
    } catch {
      note('error');
      await sleep(20 + this.random() * 80);
      return undefined;
    }
  }
}

const asBuyer = (o: Order) => ({
  user_id: o.buyer.user_id,
  password: o.buyer.password,
  order_id: o.order_id,
});
