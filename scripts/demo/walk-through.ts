/**
 * The curl walk-through of the whole flow, for sh or bash with curl and sed only (no jq): log in as
 * buyer and seller, search in Chinese and in English, order, pay, ship, confirm receipt, balances.
 * Each step prints its answer on one line; a comment above it says what it answers. Tokens and the
 * order id are kept in shell variables with sed. `npm run demo` prints this text and the README's
 * quick start shows it; only the first line (the service's address) differs, and test/demo.test.ts
 * checks both against each other and runs it.
 */
import { BUYER, credentials, type DemoUser, FEATURED, SEARCH_WORDS } from './accounts.ts';
import { demoBook } from './catalogue.ts';

interface Step {
  say: string;
  answers: string;
  path: string;
  body: Record<string, unknown>;
  /** the shell variable holding the token to send */
  token?: string;
  /** keep this field of the answer in this shell variable */
  keep?: { field: string; variable: string };
}

/** A body field holding a shell variable: `{"order_id":"'"$ORDER_ID"'"}` inside single quotes. */
const variable = (name: string) => `@${name}@`;
const bodyText = (body: Record<string, unknown>) => JSON.stringify(body).replace(/@([A-Z_]+)@/g, `'"$$$1"'`);

const login = (user: DemoUser, variable: string, say: string): Step => ({
  say,
  answers: '{"code":200,"message":"ok","token":"..."}',
  path: '/auth/login',
  body: { ...credentials(user), terminal: 'curl' },
  keep: { field: 'token', variable },
});
const search = (keyword: string, say: string): Step => ({
  say,
  answers: '{"code":200,"message":"ok","total":...,"page":1,"page_size":2,"books":[{"id":"demo-...",...}]}',
  path: '/search/search_books',
  body: { keyword, page_size: 2 },
});
const balance = (user: DemoUser, say: string): Step => ({
  say,
  answers: '{"code":200,"message":"ok","balance":...}',
  path: '/buyer/query_balance',
  body: { ...credentials(user) },
});
const orderStep = (path: string, say: string, extra: Record<string, unknown> = {}): Step => ({
  say,
  answers: '{"code":200,"message":"ok"}',
  path,
  body: { ...BUYER, order_id: variable('ORDER_ID'), ...extra },
});

function steps(): Step[] {
  const seller = FEATURED.seller;
  const book = demoBook(0);
  return [
    login(BUYER, 'BUYER_TOKEN', `Log in as the buyer ${BUYER.user_id}; keep the token`),
    login(
      seller,
      'SELLER_TOKEN',
      `Log in as the seller ${seller.user_id} (owns ${FEATURED.store_id}); keep the token`,
    ),
    search(
      SEARCH_WORDS.chinese,
      `Search every store for ${SEARCH_WORDS.chinese} (Chinese): the total and the best 2`,
    ),
    search(SEARCH_WORDS.english, `Search every store for ${SEARCH_WORDS.english} (English)`),
    balance(BUYER, "The buyer's balance, in cents"),
    {
      say: `Order one copy of ${book.id} (${book.title}, ${book.price} cents) from ${FEATURED.store_id}; keep the order id`,
      answers: '{"code":200,"message":"ok","order_id":"..."}',
      path: '/buyer/new_order',
      body: { user_id: BUYER.user_id, store_id: FEATURED.store_id, books: [{ id: book.id, count: 1 }] },
      token: 'BUYER_TOKEN',
      keep: { field: 'order_id', variable: 'ORDER_ID' },
    },
    orderStep('/buyer/pay_to_platform', 'Pay: the price moves from the buyer to the platform (escrow)'),
    {
      say: 'The seller ships the order (token endpoint)',
      answers: '{"code":200,"message":"ok"}',
      path: '/seller/ship',
      body: { user_id: seller.user_id, store_id: FEATURED.store_id, order_id: variable('ORDER_ID') },
      token: 'SELLER_TOKEN',
    },
    orderStep('/buyer/confirm_receipt_and_pay_toseller', 'The buyer confirms receipt: the seller is paid'),
    {
      ...orderStep('/buyer/query_order_status', 'The order is now received'),
      answers: '{"code":200,"message":"ok","order_status":"received","order":{...}}',
    },
    balance(BUYER, "The buyer's balance: down by the price"),
    balance(seller, "The seller's balance: up by the price"),
  ];
}

function render(step: Step, n: number): string[] {
  const headers = [
    `-H 'content-type: application/json'`,
    ...(step.token ? [`-H "token: $${step.token}"`] : []),
  ];
  const request = `"$BASE${step.path}" ${headers.join(' ')} \\\n  -d '${bodyText(step.body)}'`;
  const head = [`# ${n}. ${step.say}`, `#    answers ${step.answers}`];
  if (!step.keep) return [...head, `curl -s -w '\\n' ${request}`];
  const { field, variable } = step.keep;
  return [
    ...head,
    `ANSWER=$(curl -s ${request})`,
    `printf '%s\\n' "$ANSWER"`,
    `${variable}=$(printf '%s\\n' "$ANSWER" | sed -n 's/.*"${field}":"\\([^"]*\\)".*/\\1/p')`,
  ];
}

/** The walk-through against the service at `base` (e.g. http://localhost:5000). */
export function walkThrough(base: string): string {
  const body = steps().map((step, i) => render(step, i + 1).join('\n'));
  return [`BASE=${base}`, ...body].join('\n\n');
}
