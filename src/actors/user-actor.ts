/**
 * The user actor: every change to one user's slot (account, balance, tokens, the orders this user
 * placed, payouts received as a seller) goes through it, in order.
 */
import type { Call, IdemMark, OrderDraft, ScriptCalls } from '../lua/scripts.ts';

/** `idem`: the request's Idempotency-Key, recorded atomically with the effect. */
export type UserMessage =
  | { type: 'register'; pwHash: string; now: number; idem?: IdemMark }
  | { type: 'unregister'; epoch: string; idem?: IdemMark }
  | { type: 'changePassword'; epoch: string; pwHash: string; idem?: IdemMark }
  | { type: 'revokeToken'; epoch: string; tokenId: string; expiresAt: number; now: number; idem?: IdemMark }
  | { type: 'addFunds'; epoch: string; delta: number; idem?: IdemMark }
  | { type: 'createOrder'; draft: OrderDraft; idem?: IdemMark }
  | { type: 'pay'; orderId: string; epoch: string; now: number; idem?: IdemMark }
  | { type: 'cancel'; orderId: string; epoch: string; now: number; idem?: IdemMark }
  | { type: 'confirmReceipt'; orderId: string; epoch: string; now: number; idem?: IdemMark }
  | { type: 'markShipped'; orderId: string; store: string; now: number }
  | { type: 'expire'; orderId: string; now: number; tombstoneMs: number }
  | { type: 'creditPayout'; orderId: string; amount: string };

export const userHandler =
  (scripts: ScriptCalls, user: string) =>
  (m: UserMessage): Call => {
    switch (m.type) {
      case 'register':
        return scripts.register(user, m.pwHash, m.now, m.idem);
      case 'unregister':
        return scripts.unregister(user, m.epoch, m.idem);
      case 'changePassword':
        return scripts.changePassword(user, m.epoch, m.pwHash, m.idem);
      case 'revokeToken':
        return scripts.revokeToken(user, m, m.idem);
      case 'addFunds':
        return scripts.addFunds(user, m.epoch, m.delta, m.idem);
      case 'createOrder':
        return scripts.createOrder(m.draft, m.idem);
      case 'pay':
        return scripts.payOrder(user, m.orderId, m.epoch, m.now, m.idem);
      case 'cancel':
        return scripts.cancelOrder(user, m.orderId, m.epoch, m.now, m.idem);
      case 'confirmReceipt':
        return scripts.confirmReceipt(user, m.orderId, m.epoch, m.now, m.idem);
      case 'markShipped':
        return scripts.markShipped(user, m.orderId, m.store, m.now);
      case 'expire':
        return scripts.expireOrder(user, m.orderId, m.now, m.tombstoneMs);
      case 'creditPayout':
        return scripts.creditPayout(user, m.orderId, m.amount);
    }
  };
